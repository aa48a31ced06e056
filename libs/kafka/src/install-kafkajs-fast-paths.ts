import { installKafkajsFastPaths } from './kafkajs-fast-paths';

// Imported first by this library's index, so the swaps happen before kafkajs loads (see kafkajs-fast-paths.ts).
installKafkajsFastPaths();
