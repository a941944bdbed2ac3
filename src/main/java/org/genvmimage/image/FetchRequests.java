package org.genvmimage.image;

import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.download.Digest;
import org.genvmimage.download.FetchRequest;

/** Maps an image spec to what the downloader needs (for an image with a checksum). */
final class FetchRequests {
  /** The type of the digest an unverified local base image is recorded by (in its stamp). */
  static final String LOCAL_TYPE = "sha256";

  private FetchRequests() {}

  static FetchRequest of(ImageSpec spec) {
    return FetchRequest.of(
        spec.sources(),
        spec.checksum().type(),
        spec.checksum().hex(),
        spec.checksum().sumsFile(),
        spec.checksum().signing());
  }

  static FetchRequest resolved(ImageSpec spec, Digest digest) {
    return FetchRequest.of(spec.sources(), digest.type(), digest.hex(), null);
  }
}
