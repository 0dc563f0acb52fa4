// Child-process entry: loads one PKCS#11 module, answers what it is, exits.
import { serveChildTask } from './child-task';
import { probePkcs11Module } from './pkcs11-info';

serveChildTask(probePkcs11Module);
