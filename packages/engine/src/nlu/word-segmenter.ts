/**
 * Port for Chinese word segmentation. The server wires @node-rs/jieba (a native module with a
 * dictionary read from disk), which the pure engine must not import.
 */
export interface WordSegmenter {
  cut(text: string): string[];
}
