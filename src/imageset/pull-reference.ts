import { posix } from "node:path";
import { defaultRegistryOf, type Release } from "./releases.js";

/**
 * The Installation's image settings (`spec.registry`, `spec.imagePath`, `spec.imagePrefix`). Empty or
 * `UseDefault` means the operator's default for each image.
 */
export interface PullSettings {
  registry?: string;
  imagePath?: string;
  imagePrefix?: string;
}

/** The value the Installation API reserves for "the default", like an empty field. */
export const useDefault = "UseDefault";

const given = (value: string | undefined): value is string =>
  value !== undefined && value !== "" && value !== useDefault;

/** True when any setting moves images away from their default registry and name. */
export function hasPullSettings(settings: PullSettings): boolean {
  return given(settings.registry) || given(settings.imagePath) || given(settings.imagePrefix);
}

/**
 * The repository the operator pulls an ImageSet image (`calico/node`) from, without tag or digest,
 * following tigera/operator's pkg/components/references.go `GetReference` of the release:
 * - up to v1.40 ("concatenate"): `registry` (its default `quay.io/` or `docker.io/`, or the
 *   Installation's with a `/` appended when missing: core_controller.go up to v1.38, GetReference in
 *   v1.39 and v1.40) followed by the image, whose first part `imagePath` replaces
 *   (`ReplaceImagePath`: `<imagePath>/<name>`, so a trailing `/` in imagePath doubles) and whose last
 *   part gets `imagePrefix` (`insertPrefix`);
 * - from v1.41 ("join"): `path.Join(registry, imagePath, imagePrefix + name)` with the defaults for an
 *   empty or `UseDefault` field, which collapses repeated slashes and drops a trailing one.
 * The result may be no valid reference (`registry.example.com/mirror//node`): the operator builds it
 * all the same, and the kubelet then fails to pull it.
 */
export function operatorRepository(
  image: string,
  settings: PullSettings,
  release: Pick<Release, "rules" | "defaultRegistry">,
): string {
  const [owner = "", ...rest] = image.split("/");
  const name = rest.join("/");
  const defaultRegistry = defaultRegistryOf(release, image);
  if (release.rules === "join") {
    const registry = given(settings.registry) ? settings.registry : defaultRegistry;
    const imagePath = given(settings.imagePath) ? settings.imagePath : `${owner}/`;
    const prefix = given(settings.imagePrefix) ? settings.imagePrefix : "";
    return posix.join(registry, imagePath, `${prefix}${name}`);
  }
  const registry = !given(settings.registry)
    ? defaultRegistry
    : settings.registry.endsWith("/")
      ? settings.registry
      : `${settings.registry}/`;
  let path = image;
  if (given(settings.imagePrefix)) {
    const parts = path.split("/");
    parts[parts.length - 1] = `${settings.imagePrefix}${parts.at(-1)}`;
    path = parts.join("/");
  }
  if (given(settings.imagePath)) {
    const slash = path.indexOf("/");
    path = `${settings.imagePath}/${slash >= 0 ? path.slice(slash + 1) : path}`;
  }
  return `${registry}${path}`;
}
