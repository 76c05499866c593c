package io.github.pgredis.verify;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.Consumer;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import io.github.pgredis.cache.PostgresRows;
import io.github.pgredis.cache.PostgresRows.Table;

/** Streams a table's rows as the change records Debezium emits for them ({@link PostgresRows}). */
final class TableReader {
    private final Connection connection;
    private final String topicPrefix;

    TableReader(Connection connection, String topicPrefix) {
        this.connection = connection;
        this.topicPrefix = topicPrefix;
    }

    List<Table> tables(List<String> names) throws SQLException {
        return PostgresRows.tables(connection, names);
    }

    String topic(Table table) {
        return PostgresRows.topic(topicPrefix, table);
    }

    /** A record for the table with no row, whose key columns are all null: enough to find the key prefix. */
    SinkRecord emptyRecord(Table table, Schema rowSchema) {
        return PostgresRows.snapshotRecord(table, topic(table), rowSchema, new Struct(rowSchema));
    }

    /** Streams every row of the table to the consumer as a Debezium snapshot record. */
    Schema read(Table table, Consumer<SinkRecord> rows) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(1_000);
            try (ResultSet result = statement.executeQuery("SELECT * FROM " + table.qualified())) {
                Schema rowSchema = PostgresRows.rowSchema(result.getMetaData(), topic(table));
                while (result.next()) {
                    rows.accept(PostgresRows.snapshotRecord(table, topic(table), rowSchema,
                            PostgresRows.row(result, rowSchema)));
                }
                return rowSchema;
            }
        } finally {
            connection.commit();
        }
    }
}
