/**
 * The push protocol version this code speaks (docs/push-protocol.md §9): the `v` member of every
 * message, the `v` parameter of the enrollment URI and the X-MFA-Version request header. A message
 * without one is version 1 as written before the field existed. No Node or DOM imports: the
 * browser client uses it.
 */
export const PROTOCOL_VERSION = 1;

/** The request header naming the version a device request is written in. */
export const VERSION_HEADER = 'X-MFA-Version';
