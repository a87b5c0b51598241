export { findFreePort } from '../../src/common/ports.ts';
