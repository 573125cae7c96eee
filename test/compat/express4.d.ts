// The `express4` alias (npm:express@4) ships no types; the v5 types cover what the host uses.
declare module 'express4' {
  import express from 'express';
  export default express;
}
