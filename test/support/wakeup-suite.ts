import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SharedWakeup } from '../../src/transports/shared-wakeup.js';
import type { WakeupConnectionChange } from '../../src/transports/wakeup.js';

/** The server behind a shared wake-up transport, which the suite stops and starts again. */
export interface WakeupServer {
  pause(): Promise<void>;
  resume(): Promise<void>;
  destroy(): Promise<void>;
}

export interface WakeupSuiteSetup {
  /** Why the suite cannot run here (the server is not installed), else false. */
  missing(): string | false;
  /** Starts the server. */
  start(): Promise<WakeupServer | { skip: string }>;
  /** One app instance's wake-up on that server (fast reconnection, for the test's sake). */
  connect(server: WakeupServer): Promise<SharedWakeup>;
  /** Connecting to a port nothing listens on. */
  connectNowhere(): Promise<SharedWakeup>;
}

/** The next `payload` published to `topic` on `wakeup` (resolves with it). */
export function nextWakeup(wakeup: SharedWakeup, topic: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const stop = wakeup.subscribe(topic, (payload) => {
      stop();
      resolve(payload);
    });
  });
}

/** The next connection change of `wakeup` to `connected`. */
function nextChange(wakeup: SharedWakeup, connected: boolean): Promise<WakeupConnectionChange> {
  return new Promise((resolve) => {
    const stop = wakeup.onConnectionChange((change) => {
      if (change.connected !== connected) return;
      stop();
      resolve(change);
    });
  });
}

/** What every shared wake-up transport must do, run against a real server with two instances (a and b). */
export function sharedWakeupSuite(name: string, setup: WakeupSuiteSetup): void {
  describe(name, { skip: setup.missing() }, () => {
    let server: WakeupServer | null = null;
    let a: SharedWakeup;
    let b: SharedWakeup;

    before(async () => {
      const started = await setup.start();
      if ('skip' in started) throw new Error(started.skip);
      server = started;
      a = await setup.connect(server);
      b = await setup.connect(server);
    });

    after(async () => {
      await a?.close();
      await b?.close();
      await server?.destroy();
    });

    it('carries a topic and payload from one instance to the other, and to its own process once', async () => {
      let seenOnA = 0;
      const stopA = a.subscribe('user:alice', () => seenOnA++);
      const onB = nextWakeup(b, 'user:alice');
      a.publish('user:alice', '{"generation":7}');
      assert.equal(seenOnA, 1, 'delivered in the publishing process at once');
      assert.equal(await onB, '{"generation":7}');
      // b's marker is published after b saw the first message, so a's own echo (if any) arrived before it.
      const marker = nextWakeup(a, 'marker');
      b.publish('marker');
      assert.equal(await marker, undefined, 'a wake-up without payload arrives without one');
      assert.equal(seenOnA, 1, 'the channel echo of its own message is not delivered twice');
      stopA();
    });

    it('stops calling a listener once unsubscribed', async () => {
      let calls = 0;
      const stop = b.subscribe('challenge:x', () => calls++);
      stop();
      const marker = nextWakeup(b, 'marker');
      a.publish('challenge:x');
      a.publish('marker');
      await marker;
      assert.equal(calls, 0);
    });

    it('refuses topics and payloads no transport can carry', (t) => {
      assert.throws(() => a.publish(''), TypeError);
      assert.throws(() => a.publish('x'.repeat(201)), TypeError);
      assert.throws(() => a.publish('topic', 'p'.repeat(1001)), TypeError);
    });

    it('reports a lost server, keeps local wake-ups and publishing working, and reconnects by itself', async () => {
      assert.equal(a.connected, true);
      // A waiter armed while connected (its re-read timer set for the long interval).
      const wokenOnB: (string | undefined)[] = [];
      const stopWaiter = b.subscribe('challenge:waiting', (payload) => wokenOnB.push(payload));
      const lostA = nextChange(a, false);
      const lostB = nextChange(b, false);
      await server!.pause();
      const change = await lostA;
      await lostB;
      assert.equal(a.connected, false);
      assert.ok(change.error instanceof Error, 'the change says why');
      assert.deepEqual(wokenOnB, [undefined], 'the loss wakes every waiter once, so it re-reads and starts polling');
      // Publishing while the server is away neither throws nor rejects, and this process still hears it.
      const local = nextWakeup(a, 'user:bob');
      assert.doesNotThrow(() => a.publish('user:bob', 'offline'));
      assert.equal(await local, 'offline');

      const backA = nextChange(a, true);
      const backB = nextChange(b, true);
      await server!.resume();
      await Promise.all([backA, backB]);
      assert.equal(a.connected, true);
      assert.deepEqual(wokenOnB, [undefined, undefined], 'the return wakes it again: what was published meanwhile is found in the store');
      stopWaiter();
      const onA = nextWakeup(a, 'user:carol');
      b.publish('user:carol', 'after');
      assert.equal(await onA, 'after', 'wake-ups cross instances again after reconnecting');
    });

    it('connect() rejects when there is no server, instead of starting disconnected', async () => {
      await assert.rejects(setup.connectNowhere());
    });
  });
}
