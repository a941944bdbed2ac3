package org.genvmimage.step;

/**
 * One small part of a build. A step reads what earlier steps left in the context and records what
 * it produces there; {@link #cleanup} undoes what it left behind when a later step fails; {@link
 * #plan} tells, for a dry run, what {@link #run} would do.
 */
public interface Step<C> {
  /** A short name for logs ("fetch", "convert", ...). */
  String name();

  void run(C context) throws Exception;

  /** Called, in reverse order, for every started step after a failure or interrupt. */
  default void cleanup(C context) {}

  /**
   * Records in the context what {@link #run} would do, through the same code that decides it, and
   * fails as the run would where a check can tell without changing anything. Writes nothing to
   * disk; a step that only acts on what earlier steps made plans nothing (the default).
   */
  default void plan(C context) throws Exception {}
}
