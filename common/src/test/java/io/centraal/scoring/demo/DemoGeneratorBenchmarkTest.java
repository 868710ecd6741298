package io.centraal.scoring.demo;

import io.centraal.scoring.testing.SparkExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures (does not assert) generation time and output size. Off by default; run with
 * {@code mvn -B -o -pl common test -Dtest=DemoGeneratorBenchmarkTest -Ddemo.benchmark=20000,200000}
 * (add {@code -Ddemo.benchmark.dir=/some/dir} to keep the output).
 */
@ExtendWith(SparkExtension.class)
@EnabledIfSystemProperty(named = "demo.benchmark", matches = "[0-9,]+")
class DemoGeneratorBenchmarkTest {

  @Test
  void measureGeneration(SparkSession spark, @TempDir Path dir) {
    for (String size : System.getProperty("demo.benchmark").split(",")) {
      long customers = Long.parseLong(size);
      DemoSpec spec = DemoFixtures.spec(Map.of("customers", customers, "partitions", 4));
      String keep = System.getProperty("demo.benchmark.dir");
      Path out = (keep == null ? dir : Path.of(keep)).resolve("c" + customers);
      long start = System.nanoTime();
      GeneratedData data = new DemoDataGenerator().generate(spark, spec, out.toString());
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("BENCHMARK customers=%d seconds=%.1f bytes=%d rows=%s bad=%s%n",
          customers, seconds, bytes(out), data.rowCounts(), data.badRows());
    }
  }

  private static long bytes(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
