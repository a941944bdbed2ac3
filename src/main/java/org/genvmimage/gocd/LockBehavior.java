package org.genvmimage.gocd;

/** A pipeline's {@code lock_behavior}, with the values the GoCD YAML plugin accepts. */
public enum LockBehavior {
  lockOnFailure,
  unlockWhenFinished,
  none
}
