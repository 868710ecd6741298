package io.centraal.scoring.model.btyd;

import breeze.linalg.DenseVector;
import breeze.optimize.DiffFunction;
import breeze.optimize.FirstOrderMinimizer;
import breeze.optimize.LBFGS;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * Breeze's L-BFGS ({@code breeze.optimize.LBFGS}, the optimiser Spark MLlib itself uses for its
 * GLMs; Breeze 2.1 ships with spark-mllib, so no new dependency) driven from Java.
 *
 * <p><b>Why the LambdaMetafactory.</b> Breeze's {@code DiffFunction<T>} is a Scala 2.12 trait
 * whose only abstract member is {@code calculate(T): (Double, T)}, but it inherits both
 * {@code Function1.apply(T): Object} and its own default {@code apply(T): double}. javac rejects
 * any Java class implementing it ("unrelated return types"), and {@code java.lang.reflect.Proxy}
 * refuses it for the same reason. The JVM itself has no such rule (the two methods differ in their
 * descriptors), so a {@link LambdaMetafactory} call spins a class that implements
 * {@code calculate} and leaves the rest to the trait's default methods. L-BFGS and its Strong-Wolfe
 * line search only call {@code calculate} and the primitive {@code apply}, both implemented.
 */
public final class BreezeLbfgs {
  private BreezeLbfgs() {}

  /**
   * Breeze's vector space for {@code DenseVector<Double>}. Building it initialises Breeze's
   * implicit operator tables, a one-off cost per JVM (measured 13 s on this 2-core machine at load
   * average 12, i.e. several CPU-seconds), paid by the first fit; the holder makes the JVM run it
   * once, thread-safely.
   */
  private static final class Space {
    static final breeze.math.MutableFiniteCoordinateField<DenseVector<Object>, Object, Object> DOUBLE =
        DenseVector.space_Double();
  }

  /**
   * Starts Breeze's one-off initialisation in a daemon thread, so that a job can overlap it with
   * reading its data; the first fit then finds it done (or waits for it to finish).
   */
  public static void initialiseInBackground() {
    Thread t = new Thread(() -> {
      Object unused = Space.DOUBLE;
    }, "breeze-init");
    t.setDaemon(true);
    t.start();
  }

  /** Value and gradient of the function to minimise at {@code x}. */
  interface Objective {
    double value(double[] x);

    double[] gradient(double[] x);

    /**
     * The value at {@code x}, with the gradient written into {@code grad}: what L-BFGS asks for
     * at every point. Objectives whose gradient pass yields the value too override this, so that
     * each point costs one pass over the data, not two.
     */
    default double valueAndGradient(double[] x, double[] grad) {
      System.arraycopy(gradient(x), 0, grad, 0, grad.length);
      return value(x);
    }
  }

  /** The last iterate, its value, the iterations taken and why Breeze stopped. */
  record Outcome(double[] x, double value, int iterations, String convergenceReason) {}

  /**
   * Minimises {@code f} from {@code start}.
   *
   * @param maxIterations Breeze's iteration cap
   * @param memory number of correction pairs kept (Breeze's m)
   * @param tolerance Breeze's relative convergence tolerance on the gradient norm and on the
   *     improvement of the function value
   */
  static Outcome minimise(Objective f, double[] start, int maxIterations, int memory,
      double tolerance) {
    DiffFunction<DenseVector<Object>> diff = diffFunction(x -> {
      double[] point = (double[]) x.data();
      double[] grad = new double[point.length];
      double value = f.valueAndGradient(point, grad);
      return new Tuple2<>(value, new DenseVector<Object>(grad));
    });
    LBFGS<DenseVector<Object>> lbfgs = new LBFGS<>(maxIterations, memory, tolerance, Space.DOUBLE);
    @SuppressWarnings({"unchecked", "rawtypes"})
    Iterator<FirstOrderMinimizer.State<DenseVector<Object>, Object, Object>> states =
        (Iterator) lbfgs.iterations(diff, new DenseVector<Object>(start.clone()));
    FirstOrderMinimizer.State<DenseVector<Object>, Object, Object> last = null;
    while (states.hasNext()) {
      last = states.next();
    }
    if (last == null) {
      throw new IllegalStateException("Breeze L-BFGS returned no iterate");
    }
    String reason = last.convergenceReason().isDefined()
        ? last.convergenceReason().get().reason() : "stopped";
    return new Outcome(((double[]) last.x().data()).clone(), last.value(), last.iter(), reason);
  }

  /** The Java-side shape of {@code DiffFunction.calculate}, the target of the metafactory. */
  @FunctionalInterface
  interface Calculate {
    Tuple2<Object, DenseVector<Object>> calculate(DenseVector<Object> x);
  }

  @SuppressWarnings("unchecked")
  static DiffFunction<DenseVector<Object>> diffFunction(Calculate calculate) {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      MethodHandle impl = lookup.findVirtual(Calculate.class, "calculate",
          MethodType.methodType(Tuple2.class, DenseVector.class));
      CallSite site = LambdaMetafactory.metafactory(lookup, "calculate",
          MethodType.methodType(DiffFunction.class, Calculate.class),
          MethodType.methodType(Tuple2.class, Object.class), impl,
          MethodType.methodType(Tuple2.class, DenseVector.class));
      return (DiffFunction<DenseVector<Object>>) site.getTarget().invoke(calculate);
    } catch (Throwable e) {
      throw new IllegalStateException("cannot adapt the objective to Breeze's DiffFunction", e);
    }
  }
}
