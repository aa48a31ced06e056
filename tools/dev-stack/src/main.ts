import { runStack } from './stack-runner';
import { RUNNER_FLAG, superviseStack } from './stack-supervisor';

// `npm start`: the first process supervises, the detached child runs the stack (see stack-supervisor.ts).
if (process.env[RUNNER_FLAG] === '1') void runStack();
else superviseStack(__filename);
