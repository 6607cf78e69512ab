/** The hub running inside a test file logs into the test's log (see environment.ts), not onto the screen. */
import { setLogSink } from '../../src/logger';
import { testLog } from '../helpers/log';

setLogSink(testLog);
