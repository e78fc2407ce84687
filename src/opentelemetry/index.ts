export { instrumentAuthKit, type InstrumentAuthKitOptions } from './instrument.js';
