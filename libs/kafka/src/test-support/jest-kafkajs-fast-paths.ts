import { installKafkajsFastPathsUnlessDisabled } from '../kafkajs-fast-paths';

// Jest's setupFiles: each test file gets its own module registry, and this runs in it before the test loads
// kafkajs, as runService does at a service's start-up, so the suites run the code production runs.
installKafkajsFastPathsUnlessDisabled(process.env);
