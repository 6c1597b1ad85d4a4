export { MlsDevice } from '../../../ops/mls-device.js';
export { TestSocket } from '../../../test-support/socket.js';
