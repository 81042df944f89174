package dev.idleclaw.ledger;

import java.util.regex.Pattern;

/** Makes a database target safe to print: passwords in a JDBC URL's user info or parameters are masked. */
final class Targets {
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password|sslpassword)=[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("//([^/@:]*):[^/@]*@");

    private Targets() {}

    static String redact(String target) {
        String s = USER_INFO.matcher(target).replaceFirst("//$1:***@");
        return PASSWORD_PARAM.matcher(s).replaceAll("$1=***");
    }
}
