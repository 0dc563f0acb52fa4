// Child-process entry: lists the cards in the readers (see card-slots.ts), answers, exits.
import { serveChildTask } from '../offload/child-task';
import { listCardSlots } from './card-slots';

serveChildTask(listCardSlots);
