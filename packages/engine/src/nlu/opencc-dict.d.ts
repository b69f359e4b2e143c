// opencc-js ships its dictionaries as ES modules whose default export is "src dst|src dst|…";
// the package's exports map has no types for them.
declare module 'opencc-js/dict/*' {
  const dict: string;
  export default dict;
}
