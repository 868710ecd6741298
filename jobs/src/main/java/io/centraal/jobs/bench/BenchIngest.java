package io.centraal.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;

import io.centraal.jobs.Versions;
import io.centraal.jobs.Sessions;
import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.config.ConfigLoader;
import io.centraal.scoring.ingest.Ingestion;
import io.centraal.scoring.run.RunContext;
import io.centraal.scoring.schema.InputColumns.Transactions;
import io.centraal.scoring.schema.SourceContracts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code centraal bench ingest}: ingest throughput. Writes N synthetic transaction rows with Spark
 * (outside the timing), then times {@link Ingestion#ingest} of those files into a fresh bronze
 * table: read, validate, quarantine, MERGE. Peak memory: run under {@code /usr/bin/time -v}.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = "Time the ingest of N generated transactions (CSV or Parquet) into a fresh bronze table.")
public final class BenchIngest implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "10000000", description = "Transactions to generate (default ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--format", defaultValue = "csv", description = "csv or parquet (default ${DEFAULT-VALUE}).")
  String format;

  @Mixin WorkDirOptions work;

  private static final LocalDate AS_OF = LocalDate.parse("2024-12-31");

  @Override
  public Integer call() throws IOException {
    if (!format.equals("csv") && !format.equals("parquet")) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--format must be csv or parquet");
    }
    Path workDir = work.claimEmpty();
    SparkSession spark = Sessions.create("bench ingest");
    Path input = workDir.resolve("raw-" + format);
    long g0 = System.nanoTime();
    Dataset<Row> generated = generate(spark, rows, format.equals("csv"));
    generated.write().format(format).option("header", "true").save(input.toString());
    System.out.printf(Locale.ROOT, "generated %,d rows as %s in %.1f s (not timed)%n", rows, format,
        BenchStages.seconds(g0));

    CentraalSettings settings = CentraalSettings.from(ConfigLoader.load(List.of(), Map.of(
        "paths.data-dir", workDir.resolve("data").toString(),
        "sources.transactions.path", input.toString(),
        "sources.transactions.format", format,
        "ingest.max-reject-share", "0.01")));
    RunContext ctx = new RunContext(AS_OF, "bench-ingest", Versions.code());
    BenchStages stages = new BenchStages();
    Ingestion.SourceOutcome o = Ingestion.ingest(spark, settings, SourceContracts.TRANSACTIONS_CONTRACT, ctx, AS_OF);
    double seconds = stages.end("ingest (read, validate, quarantine, MERGE into bronze)");
    System.out.printf(Locale.ROOT, "bench ingest: format=%s rows=%,d accepted=%,d quarantined=%,d inserted=%,d"
            + " anonymous=%,d seconds=%.1f rows/s=%,.0f cores=%d%n", format, o.read(), o.accepted(), o.quarantined(),
        o.inserted(), o.anonymous(), seconds, o.read() / seconds, Runtime.getRuntime().availableProcessors());
    stages.print();
    spark.stop();
    work.release();
    return 0;
  }

  /**
   * N transactions of 2024 over N/10 customers, 2% anonymous, 3% returns, a 0.1% sprinkle of
   * unparsable amounts (so the quarantine path is exercised). CSV gets text timestamps and amounts.
   */
  static Dataset<Row> generate(SparkSession spark, long n, boolean asText) {
    Column id = col("id");
    Column ts = functions.timestamp_seconds(lit(1704067200L).plus(pmod(id.multiply(7919L), lit(366L * 86400L))));
    Column amount = pmod(id.multiply(31L), lit(20000L)).divide(100.0).plus(0.5);
    amount = when(pmod(id, lit(33L)).equalTo(0), amount.multiply(-1)).otherwise(amount);
    Column tsOut = asText ? date_format(ts, "yyyy-MM-dd HH:mm:ss") : ts;
    Column amountOut = asText
        ? when(pmod(id, lit(1000L)).equalTo(999), lit("12,3x")).otherwise(functions.round(amount, 2).cast("string"))
        : amount;
    return spark.range(n).select(
        concat(lit("t"), id.cast("string")).as(Transactions.TRANSACTION_ID),
        when(pmod(id, lit(50L)).equalTo(7), lit(null).cast("string"))
            .otherwise(concat(lit("C"), pmod(id.multiply(2654435761L), lit(Math.max(1L, n / 10))).cast("string")))
            .as(Transactions.CUSTOMER_REF),
        tsOut.as(Transactions.TS),
        amountOut.as(Transactions.AMOUNT),
        when(pmod(id, lit(3L)).equalTo(0), lit("web")).otherwise(lit("store")).as(Transactions.CHANNEL),
        concat(lit("s"), pmod(id, lit(40L)).cast("string")).as(Transactions.STORE_ID),
        lit(1.0).as(Transactions.QUANTITY),
        functions.round(amount.multiply(0.3), 2).as(Transactions.MARGIN),
        lit("EUR").as(Transactions.CURRENCY));
  }
}
