package dev.aoe.bench;

import java.util.ArrayList;
import java.util.List;

/** Rows of text as aligned columns for a terminal, or as a Markdown table. */
public final class TextTable {
    private static final String COLUMN_GAP = "  ";

    private final List<String> headers;
    /** Which columns are numbers, aligned right. */
    private final boolean[] numeric;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(List<String> headers, boolean... numeric) {
        if (numeric.length != headers.size()) {
            throw new IllegalArgumentException("one alignment per column");
        }
        this.headers = List.copyOf(headers);
        this.numeric = numeric.clone();
    }

    public void add(List<String> row) {
        if (row.size() != headers.size()) {
            throw new IllegalArgumentException("row has " + row.size() + " cells, the table " + headers.size() + " columns");
        }
        rows.add(List.copyOf(row));
    }

    public String render(boolean markdown) {
        return markdown ? markdown() : aligned();
    }

    private String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", headers)).append(" |\n|");
        for (boolean right : numeric) {
            out.append(right ? " ---: |" : " --- |");
        }
        out.append('\n');
        for (List<String> row : rows) {
            out.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return out.toString();
    }

    private String aligned() {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        appendAligned(out, headers, widths);
        for (List<String> row : rows) {
            appendAligned(out, row, widths);
        }
        return out.toString();
    }

    private void appendAligned(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            String padding = " ".repeat(widths[c] - cell.length());
            line.append(numeric[c] ? padding + cell : cell + padding).append(COLUMN_GAP);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
