import { Lexer } from "yaml";
import type { ManifestLimits } from "./limits.js";

/** A YAML text made safe to parse, and what was left out of it. */
export interface BoundedYaml {
  /**
   * The text to parse: the input up to the document where a file-wide bound was passed, with every
   * document too deep blanked (each character but line breaks turned into a space), so offsets, lines
   * and columns stay those of the input.
   */
  text: string;
  /** One per bound reached: where (an offset into the input) and a message naming the bound. */
  problems: { offset: number; message: string }[];
}

// The lexer's markers (yaml's CST): a document starts, a plain or block scalar follows, a flow
// collection's end. They take no characters of the source.
const documentStart = "\x02";
const scalarNext = "\x1f";
const flowEnd = "\x18";

/**
 * Measures a YAML text with the yaml library's own lexer, before anything is built from it, and blanks
 * what is over the bounds (issue 18). Counts (tokens, nodes, aliases, documents) are per file: the
 * document where one is passed and everything after it is left out, as the work to read them is what
 * the bound is for. Nesting depth is per document: a document too deep is left out alone, since the
 * parser (and every tree walk) recurses once per level and a thousand levels overflow the stack.
 * The lexer itself keeps no tree, so measuring costs time in proportion to what is read and no memory.
 */
export function boundYaml(text: string, limits: ManifestLimits): BoundedYaml {
  const meter = new YamlMeter(limits);
  let offset = 0;
  for (const lexeme of new Lexer().lex(text)) {
    if (!meter.take(lexeme, offset)) break;
    if (lexeme !== documentStart && lexeme !== scalarNext && lexeme !== flowEnd) offset += lexeme.length;
  }
  const { ranges, cut } = meter.finish(text.length);
  const kept = cut < text.length ? text.slice(0, cut) : text;
  return { text: ranges.length === 0 ? kept : blank(kept, ranges), problems: meter.problems };
}

/** Counts what the lexer yields, document by document, and records the ranges to leave out. */
class YamlMeter {
  readonly problems: BoundedYaml["problems"] = [];
  private readonly ranges: [number, number][] = [];
  private cut = Number.POSITIVE_INFINITY;
  private tokens = 0;
  private nodes = 0;
  private aliases = 0;
  private documents = 0;
  private documentStart = 0;
  private tooDeep = false;
  private flowDepth = 0;
  /** Columns of the open block collections (an estimate: a sequence under a key at its column counts once). */
  private blockColumns: number[] = [];
  private lineStart = 0;
  private previous = "";
  private lastContentColumn = 0;

  constructor(private readonly limits: ManifestLimits) {}

  /** Takes one lexeme at `offset`; false once a file-wide bound is passed (stop lexing). */
  take(lexeme: string, offset: number): boolean {
    const previous = this.previous;
    this.previous = lexeme;
    // A document starts at the lexer's marker, or at `---` within the stream (which gets no marker);
    // a scalar `---` (`a: ---`) follows the scalar marker.
    if (lexeme === documentStart || (lexeme === "---" && previous !== documentStart && previous !== scalarNext)) {
      if (!this.startDocument(offset)) return false;
      if (lexeme === documentStart) return true;
    }
    if (lexeme === scalarNext || lexeme === flowEnd) return true;
    this.tokens++;
    const column = offset - this.lineStart;
    const newline = lexeme.lastIndexOf("\n");
    if (newline !== -1) this.lineStart = offset + newline + 1;
    if (previous === scalarNext) this.addNode(column);
    else this.classify(lexeme, offset, column);
    return this.withinFileBounds();
  }

  private classify(lexeme: string, offset: number, column: number): void {
    const first = lexeme[0];
    if (first === '"' || first === "'") this.addNode(column);
    else if (first === "*") {
      this.addNode(column);
      this.aliases++;
    } else if (lexeme === "[" || lexeme === "{") {
      this.nodes++;
      this.flowDepth++;
      this.checkDepth(offset);
    } else if (lexeme === "]" || lexeme === "}") this.flowDepth = Math.max(0, this.flowDepth - 1);
    else if (this.flowDepth === 0 && (lexeme === "-" || lexeme === "?")) this.openBlock(column, offset);
    else if (this.flowDepth === 0 && lexeme === ":") this.openBlock(this.lastContentColumn, offset);
  }

  private addNode(column: number): void {
    this.nodes++;
    this.lastContentColumn = column;
  }

  /** A block sequence entry or mapping key at `column`: closes the collections further right, opens one there. */
  private openBlock(column: number, offset: number): void {
    const columns = this.blockColumns;
    while (columns.length > 0 && columns[columns.length - 1]! > column) columns.pop();
    if (columns.length === 0 || columns[columns.length - 1]! < column) {
      columns.push(column);
      this.checkDepth(offset);
    }
  }

  private checkDepth(offset: number): void {
    if (this.tooDeep || this.blockColumns.length + this.flowDepth <= this.limits.maxDepth) return;
    this.tooDeep = true;
    this.problems.push({
      offset,
      message: `the document nests collections more than ${this.limits.maxDepth} levels deep, over the nesting-depth bound; it was not read`,
    });
  }

  private startDocument(offset: number): boolean {
    this.endDocument(offset);
    this.documents++;
    this.documentStart = offset;
    if (this.documents > this.limits.maxDocuments)
      return this.overFile(`more than ${this.limits.maxDocuments} YAML documents, over the document-count bound`);
    return true;
  }

  private endDocument(offset: number): void {
    if (this.tooDeep) this.ranges.push([this.documentStart, offset]);
    this.tooDeep = false;
    this.flowDepth = 0;
    this.blockColumns = [];
  }

  private withinFileBounds(): boolean {
    const { maxTokens, maxNodes, maxAliases } = this.limits;
    if (this.tokens > maxTokens) return this.overFile(`more than ${maxTokens} YAML tokens, over the token-count bound`);
    if (this.nodes > maxNodes) return this.overFile(`more than ${maxNodes} YAML nodes, over the node-count bound`);
    if (this.aliases > maxAliases)
      return this.overFile(`more than ${maxAliases} YAML aliases, over the alias-count bound`);
    return true;
  }

  /** A file-wide bound is passed in the current document: it and the rest of the file are left out. */
  private overFile(what: string): false {
    this.tooDeep = false;
    this.cut = this.documentStart;
    this.problems.push({
      offset: this.documentStart,
      message: `the file has ${what}; this document and the rest of the file were not read`,
    });
    return false;
  }

  /** Where to cut the text and the ranges before the cut to blank, once the lexer has stopped. */
  finish(length: number): { ranges: [number, number][]; cut: number } {
    const cut = Math.min(this.cut, length);
    this.endDocument(cut);
    return { ranges: this.ranges.filter(([start]) => start < cut), cut };
  }
}

/** `text` with the characters of each range (but line breaks) turned into spaces. */
function blank(text: string, ranges: [number, number][]): string {
  const parts: string[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    parts.push(
      text.slice(at, start),
      text.slice(start, end).replace(/[^\r\n]+/g, (run) => " ".repeat(run.length)),
    );
    at = end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}
