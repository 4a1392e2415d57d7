// jest setupFiles of the integration run: record every secret the tests exchange with the targets.
import { installSecretRecorder } from './secret-recorder';

installSecretRecorder();
