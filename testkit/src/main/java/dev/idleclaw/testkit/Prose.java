package dev.idleclaw.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * Pseudo-English for the stand-in model. Word {@code i} of a text is a function of (stream, i) alone, so a text can
 * switch streams at any word (a shared opening, the weights, a GPU's own rounding) and stay reproducible.
 * Sentences end with a full stop about every ten words and start with a capital; the last word ends one.
 */
final class Prose {
    /** Common words without numbers or place names, so prose never answers a canary by chance. */
    static final List<String> VOCABULARY = List.of(("the of and to in is you that it he was for on are as with his they "
            + "at be this have from or had by word but what some we can out other were all there when up use your how "
            + "said an each she which do their time if will way about many then them write would like so these her long "
            + "make thing see him has look more day could go come did my sound no most people over know water than call "
            + "first who may down side been now find any new work part take get place made live where after back little "
            + "only round man year came show every good me give our under name very through just form sentence great "
            + "think say help low line differ turn cause much mean before move right boy old too same tell does set three "
            + "want air well also play small end put home read hand port large spell add even land here must big high "
            + "such follow act why ask men change went light kind off need house picture try us again animal point "
            + "mother world near build self earth father head stand own page should country found answer school grow "
            + "study still learn plant cover food sun four between state keep eye never last let thought tree cross "
            + "farm hard start might story saw far sea draw left late run while press close night real life few north "
            + "open seem together next white children begin got walk example ease paper group always music those both "
            + "mark often letter until mile river car feet care second book carry took science eat room friend began "
            + "idea fish mountain stop once base hear horse cut sure watch color face wood main enough plain girl usual "
            + "young ready above ever red list though feel talk bird soon body dog family direct pose leave song measure "
            + "door product black short numeral class wind question happen complete ship area half rock order fire south "
            + "problem piece told knew pass since top whole king space heard best hour better true during remember step "
            + "early hold west ground interest reach fast verb sing listen table travel less morning simple several "
            + "vowel toward war lay against pattern slow center love person money serve appear road map rain rule "
            + "govern pull cold notice voice unit power town fine certain fly fall lead cry dark machine note wait plan "
            + "figure star box noun field rest correct able pound done beauty drive stood contain front teach week "
            + "final gave green quick develop ocean warm free minute strong special mind behind clear tail produce fact")
            .split(" "));
    /** One word in this many ends a sentence (mean sentence length). */
    private static final int SENTENCE_WORDS = 10;
    /** One word in this many carries a comma. */
    private static final int COMMA_WORDS = 12;

    private Prose() {}

    /** The vocabulary index {@link #text} draws at position {@code i} of {@code stream} with {@code nudge}. */
    static int pick(long stream, int i, int nudge) {
        return Mix.random(stream, i, nudge).nextInt(VOCABULARY.size());
    }

    /**
     * One word per entry of {@code streams}: word {@code i} is {@code streams[i]}'s draw at {@code i} (with
     * {@code nudges[i]}, 0 but where a caller needs another word), capitalised after a full stop, then punctuated
     * by the same draw.
     */
    static List<String> text(long[] streams, int[] nudges) {
        var words = new ArrayList<String>(streams.length);
        var capital = true;
        for (int i = 0; i < streams.length; i++) {
            var random = Mix.random(streams[i], i, nudges[i]);
            var word = VOCABULARY.get(random.nextInt(VOCABULARY.size()));
            var stop = i == streams.length - 1 || random.nextInt(SENTENCE_WORDS) == 0;
            var comma = !stop && random.nextInt(COMMA_WORDS) == 0;
            if (capital) word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            words.add(word + (stop ? "." : comma ? "," : ""));
            capital = stop;
        }
        return words;
    }
}
