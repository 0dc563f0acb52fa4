// Child-process entry: initialises one token (see init-token.ts), answers its serial or why
// it was refused, exits.
import { serveChildTask } from '../offload/child-task';
import { initialiseTokenOutcome } from './init-token';

serveChildTask(initialiseTokenOutcome);
