package org.genvmimage.download;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/** Reads OpenPGP signature packets, armored or binary, as a detached signature file holds them. */
final class DetachedSignatures {
  private DetachedSignatures() {}

  /**
   * Every signature in {@code in} (armored or binary; compressed data is opened).
   *
   * @throws IOException when it holds something else or is broken
   */
  static List<PGPSignature> read(InputStream in) throws IOException {
    List<PGPSignature> signatures = new ArrayList<>();
    collect(new PGPObjectFactory(in, new BcKeyFingerprintCalculator()), signatures);
    if (signatures.isEmpty()) {
      throw new IOException("no OpenPGP signature in it");
    }
    return signatures;
  }

  /** Every signature in a detached signature file's bytes, armored or binary. */
  static List<PGPSignature> read(byte[] bytes) throws IOException {
    try (InputStream in = PGPUtil.getDecoderStream(new java.io.ByteArrayInputStream(bytes))) {
      return read(in);
    }
  }

  private static void collect(PGPObjectFactory objects, List<PGPSignature> into)
      throws IOException {
    Object next;
    try {
      while ((next = objects.nextObject()) != null) {
        if (next instanceof PGPSignatureList list) {
          list.forEach(into::add);
        } else if (next instanceof PGPCompressedData compressed) {
          collect(
              new PGPObjectFactory(compressed.getDataStream(), new BcKeyFingerprintCalculator()),
              into);
        } else if (!(next instanceof PGPMarker)) {
          throw new IOException(
              "found " + next.getClass().getSimpleName() + " where a signature was expected");
        }
      }
    } catch (PGPException | RuntimeException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
