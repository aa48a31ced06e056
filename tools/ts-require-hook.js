// Makes require() run .ts files: each is compiled by tools/ts-transpile.js, and stack traces are mapped back to
// the TypeScript through the source maps kept here. Node's own --enable-source-maps would do the mapping too,
// but it reads every dependency's .map file as the dependency loads (~0.16 CPU-s of a service's start).
const fs = require('node:fs');
const { SourceMap } = require('node:module');
const { createTranspiler } = require('./ts-transpile');

const transpile = createTranspiler();
/** Each compiled file's source map: its JSON text until a stack first goes through the file, then parsed. */
const sourceMaps = new Map();

function sourceMapOf(file) {
  const map = sourceMaps.get(file);
  if (typeof map !== 'string') return map;
  const parsed = new SourceMap(JSON.parse(map));
  sourceMaps.set(file, parsed);
  return parsed;
}

/** V8's own text for a frame, with a compiled file's line and column replaced by the TypeScript's. */
function frameText(callSite) {
  const text = callSite.toString();
  const file = callSite.getFileName();
  const map = file && sourceMaps.has(file) ? sourceMapOf(file) : undefined;
  const line = callSite.getLineNumber();
  const column = callSite.getColumnNumber();
  if (!map || line == null || column == null) return text;
  const entry = map.findEntry(line - 1, column - 1);
  if (entry.originalLine === undefined) return text;
  return text.replace(`${file}:${line}:${column}`, `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}`);
}

Error.prepareStackTrace = (error, callSites) =>
  `${Error.prototype.toString.call(error)}${callSites.map((callSite) => `\n    at ${frameText(callSite)}`).join('')}`;

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code, map } = transpile(fs.readFileSync(filename, 'utf8'), filename);
  sourceMaps.set(filename, map);
  module._compile(code, filename);
};
