package org.genvmimage.step;

/**
 * One small part of a build. A step reads what earlier steps left in the context and records what
 * it produces there; {@link #cleanup} undoes what it left behind when a later step fails.
 */
public interface Step<C> {
  /** A short name for logs ("fetch", "convert", ...). */
  String name();

  void run(C context) throws Exception;

  /** Called, in reverse order, for every started step after a failure or interrupt. */
  default void cleanup(C context) {}
}
