/** The two product variants of the Calico operator, as the ImageSet name's prefix spells them. */
export type Variant = "calico" | "enterprise";

/**
 * The images an operator build accepts in an ImageSet, as `<owner>/<name>`: its CalicoImages and
 * EnterpriseImages lists. `ValidateImageSet` accepts an image from either list in a set of either
 * variant; a set's own variant renders only from its own list.
 */
export interface ComponentLists {
  /** The first operator release (`v1.40.3`) these lists apply to, until the next entry's. */
  since: string;
  calico: string[];
  enterprise: string[];
}

/** One operator minor series (`v1.42`) and its component lists, newest patch release cited. */
export interface OperatorSeries {
  operator: string;
  /** `tigera/operator vX.Y.Z`: the tag the lists were read at. */
  source: string;
  lists: ComponentLists[];
}

/** What one release adds to and removes from a list of the release before it. */
export interface ListChange {
  add?: string[];
  remove?: string[];
}

/** The component lists of one operator release as changes to the entry before it (the first: everything). */
export interface ComponentChanges {
  since: string;
  calico?: ListChange;
  enterprise?: ListChange;
}

/** One operator series as release-data.ts records it: its changes, oldest first. */
export interface SeriesChanges {
  operator: string;
  source: string;
  changes: ComponentChanges[];
}

/** `[operator release, Calico release or null, Calico Enterprise release or null]`. */
export type OperatorPatch = [operator: string, calico: string | null, enterprise: string | null];
