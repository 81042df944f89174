package dev.idleclaw.bench;

import java.util.ArrayList;
import java.util.List;

/** A fixed-width text table: the first column left-aligned, the rest right-aligned, widths from the content. */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    public Table(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    /** Adds a row; doubles print with {@code decimals} places. */
    public Table row(Object... cells) {
        if (cells.length != columns) throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        String[] text = new String[columns];
        for (int i = 0; i < columns; i++) text[i] = format(cells[i]);
        rows.add(text);
        return this;
    }

    /** Numbers: integers as they are, other doubles with one decimal below 100 and none above. */
    public static String format(Object cell) {
        if (cell == null) return "-";
        if (cell instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) return "-";
            double a = Math.abs(d);
            return a >= 100 ? String.format("%.0f", d) : a >= 10 ? String.format("%.1f", d) : String.format("%.2f", d);
        }
        return cell.toString();
    }

    @Override
    public String toString() {
        int[] width = new int[columns];
        for (String[] r : rows) for (int i = 0; i < columns; i++) width[i] = Math.max(width[i], r[i].length());
        var sb = new StringBuilder();
        for (int n = 0; n < rows.size(); n++) {
            String[] r = rows.get(n);
            for (int i = 0; i < columns; i++) {
                if (i > 0) sb.append("  ");
                String pad = " ".repeat(width[i] - r[i].length());
                sb.append(i == 0 ? r[i] + pad : pad + r[i]);
            }
            sb.append('\n');
            if (n == 0) {
                int total = 0;
                for (int w : width) total += w + 2;
                sb.append("-".repeat(total - 2)).append('\n');
            }
        }
        return sb.toString();
    }
}
