package org.genvmimage.image;

import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.download.Digest;
import org.genvmimage.download.FetchRequest;

/** Maps an image spec to what the downloader needs. */
final class FetchRequests {
  private FetchRequests() {}

  static FetchRequest of(ImageSpec spec) {
    return new FetchRequest(
        spec.source(),
        spec.checksum().type(),
        spec.checksum().hex(),
        spec.checksum().sumsFile(),
        spec.checksum().signing());
  }

  static FetchRequest resolved(ImageSpec spec, Digest digest) {
    return new FetchRequest(spec.source(), digest.type(), digest.hex(), null);
  }
}
