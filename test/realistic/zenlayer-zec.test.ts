import { realisticRun } from './support/url-target-run.ts';

// Realistic mode for zenlayer-zec (GitHub issue 13): see support/url-target-run.ts.
realisticRun('zenlayer-zec');
