package io.centraal.scoring.schema;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.centraal.scoring.config.CentraalSettings;
import io.centraal.scoring.schema.StageSchema.Kind;
import io.centraal.scoring.model.influence.AdvocacyScoring;
import io.centraal.scoring.model.influence.InfluenceScoring;
import io.centraal.scoring.model.influence.ValueQuadrantScoring;
import io.centraal.scoring.model.rfm.RfmScoring;
import io.centraal.scoring.testing.TestSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every scoring stage states its input and output columns, and {@link Stage#apply} refuses an
 * input without one of them, with one of the wrong type, or with an output column already present,
 * naming the stage and the column.
 */
class StageContractTest {
  static Stream<Stage> stages() {
    CentraalSettings s = TestSettings.withDataDir(Path.of("/tmp/centraal-stage-contract"), Map.of());
    return Stream.of(new RfmScoring(s.rfm()), new AdvocacyScoring(s.advocacy()), new InfluenceScoring(s.influence()),
        new ValueQuadrantScoring(s.value()));
  }

  @ParameterizedTest
  @MethodSource("stages")
  void theDeclaredInputsAreEnoughAndEachIsRequired(Stage stage) {
    assertFalse(stage.inputColumns().isEmpty(), stage.stageName());
    assertFalse(stage.outputColumns().isEmpty(), stage.stageName());
    assertDoesNotThrow(() -> stage.checkSchema(schema(stage.inputColumns(), null, null)));
    for (String column : stage.inputColumns().keySet()) {
      IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
          () -> stage.checkSchema(schema(stage.inputColumns(), column, null)), column);
      assertTrue(missing.getMessage().startsWith(stage.stageName() + ": required input column '" + column + "'"),
          missing.getMessage());
      DataType wrong = stage.inputColumns().get(column) == Kind.STRING ? DataTypes.DoubleType : DataTypes.StringType;
      IllegalArgumentException mistyped = assertThrows(IllegalArgumentException.class,
          () -> stage.checkSchema(schema(stage.inputColumns(), column, null).add(column, wrong)), column);
      assertTrue(mistyped.getMessage().contains(column), mistyped.getMessage());
    }
  }

  @ParameterizedTest
  @MethodSource("stages")
  void anOutputColumnInTheInputIsRefused(Stage stage) {
    for (String output : stage.outputColumns()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> stage.checkSchema(schema(stage.inputColumns(), null, output)), output);
      assertTrue(e.getMessage().contains("output column '" + output + "'"), e.getMessage());
    }
  }

  /** The declared inputs with a type of their kind, without {@code leaveOut}, plus {@code extra}. */
  private static StructType schema(Map<String, Kind> inputs, String leaveOut, String extra) {
    StructType schema = new StructType();
    for (Map.Entry<String, Kind> e : inputs.entrySet()) {
      if (!e.getKey().equals(leaveOut)) {
        schema = schema.add(e.getKey(), typeOf(e.getValue()));
      }
    }
    return extra == null ? schema : schema.add(extra, DataTypes.StringType);
  }

  private static DataType typeOf(Kind kind) {
    return switch (kind) {
      case INTEGRAL -> DataTypes.LongType;
      case NUMERIC -> DataTypes.DoubleType;
      case STRING -> DataTypes.StringType;
      case BOOLEAN -> DataTypes.BooleanType;
      case DATE -> DataTypes.DateType;
    };
  }
}
