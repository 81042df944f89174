package dev.idleclaw.web;

/**
 * Reads an {@code Accept} header for one question: does the client prefer HTML? A browser navigating says
 * {@code text/html,…,*}{@code /*;q=0.8}; curl, Ollama's clients and SDKs say {@code *}{@code /*}, JSON or nothing.
 * Only an explicit {@code text/html} (or XHTML) ranked at least as high as every other listed type counts.
 */
final class Accept {
    private Accept() {}

    static boolean prefersHtml(String header) {
        if (header == null || header.isBlank()) return false;
        double html = 0, other = 0;
        for (String part : header.split(",")) {
            String[] params = part.split(";");
            String type = params[0].strip().toLowerCase(java.util.Locale.ROOT);
            double q = quality(params);
            if (type.equals("text/html") || type.equals("application/xhtml+xml")) html = Math.max(html, q);
            else if (!type.isEmpty()) other = Math.max(other, q);
        }
        return html > 0 && html >= other;
    }

    private static double quality(String[] params) {
        for (int i = 1; i < params.length; i++) {
            String p = params[i].strip();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    double q = Double.parseDouble(p.substring(2).strip());
                    return q >= 0 && q <= 1 ? q : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
