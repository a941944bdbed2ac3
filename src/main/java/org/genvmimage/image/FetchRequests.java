package org.genvmimage.image;

import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.download.FetchRequest;

/** Maps an image spec to what the downloader needs. */
final class FetchRequests {
  private FetchRequests() {}

  static FetchRequest of(ImageSpec spec) {
    return new FetchRequest(
        spec.source(), spec.checksum().type(), spec.checksum().hex(), spec.checksum().sumsFile());
  }

  static FetchRequest resolved(ImageSpec spec, String hex) {
    return new FetchRequest(spec.source(), spec.checksum().type(), hex, null);
  }
}
