/**
 * The pieces of the distribution/reference grammar, as anchored regular expressions.
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [ domain "/" ] path-component [ "/" path-component ]*
 *   domain           := host [ ":" port ]
 *   host             := domain-name | "[" ipv6 "]"
 *   domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
 *   path-component   := [a-z0-9]+ ( separator [a-z0-9]+ )*
 *   separator        := "." | "_" | "__" | "-"+
 *   tag              := [\w][\w.-]{0,127}
 *   digest           := algorithm ":" encoded
 *
 * Each pattern is anchored and written so that no part can match the same text two ways, which
 * keeps matching linear on hostile input (a webhook parses whatever a Pod spec holds).
 */

const domainComponent = "[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?";
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = "\\[[a-fA-F0-9:]+\\]";
const port = "[0-9]+";
const pathComponent = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";

/** A registry host with optional port: `example.com`, `10.0.0.1:5000`, `[::1]:5000`, `localhost`. */
export const domainPattern = new RegExp(`^(?:${domainName}|${ipv6})(?::${port})?$`);

/** A repository path: one or more lowercase components separated by `/`. */
export const pathPattern = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);

/** A tag: word characters, dots and dashes, not starting with a dot or dash, 1 to 128 long. */
export const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * The shape of a digest, well formed whatever the algorithm: the OCI image-spec descriptor grammar
 * (`sha3-256:…` is well formed), with distribution's allowance for upper-case algorithm letters.
 */
export const digestShapePattern = /^[A-Za-z0-9]+(?:[-_+.][A-Za-z0-9]+)*:[A-Za-z0-9=_-]+$/;

/** A bare 64-character hex string: an image id, never a repository name. */
export const hexIdentifierPattern = /^[a-f0-9]{64}$/;

/** The longest repository path distribution accepts (the domain does not count). */
export const maxPathLength = 255;
