// Child-process entry: initialises one token (see init-token.ts), answers its serial, exits.
import { serveChildTask } from '../offload/child-task';
import { initialiseToken } from './init-token';

serveChildTask(initialiseToken);
