package dev.idleclaw.tools;

/**
 * A page a tool's result drew on (a search result the model read, the page it fetched): its title and URL as the
 * search service or the page gave them, so untrusted; capped to {@link #MAX_TITLE_CHARS} and {@link #MAX_URL_CHARS}.
 */
public record Source(String title, String url) {
    /** A title longer than a search result's headline is noise. */
    static final int MAX_TITLE_CHARS = 200;
    /** Longer URLs are tracking noise, and browsers cap them too. */
    static final int MAX_URL_CHARS = 2_048;

    public Source {
        title = cap(title == null ? "" : title.strip(), MAX_TITLE_CHARS);
        url = url == null ? "" : url.strip();
    }

    /** A source for {@code url} and {@code title}, or null when the URL is empty or too long to be worth a link. */
    public static Source of(String title, String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL_CHARS) return null;
        return new Source(title, url);
    }

    private static String cap(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
