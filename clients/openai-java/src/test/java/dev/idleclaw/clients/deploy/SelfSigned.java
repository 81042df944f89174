package dev.idleclaw.clients.deploy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A self-signed certificate for {@code 127.0.0.1} and {@code localhost}, made by the JDK's {@code keytool} (so no
 * openssl is needed) and written as PEM files for nginx ({@link #cert}, {@link #key}) and for clients.
 */
record SelfSigned(Path cert, Path key, X509Certificate certificate) {
    private static final String PASSWORD = "changeit";
    /** keytool starts a JVM and makes an EC key: a few seconds on a busy machine, never a minute. */
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    static SelfSigned create(Path dir) throws Exception {
        Path store = dir.resolve("hub.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        var process = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "hub", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        var keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        var certificate = (X509Certificate) keys.getCertificate("hub");
        var key = (PrivateKey) keys.getKey("hub", PASSWORD.toCharArray());
        Path certPem = Files.writeString(dir.resolve("hub.crt"), pem("CERTIFICATE", certificate.getEncoded()));
        Path keyPem = Files.writeString(dir.resolve("hub.key"), pem("PRIVATE KEY", key.getEncoded()));
        return new SelfSigned(certPem, keyPem, certificate);
    }

    /** A trust manager that trusts this certificate only (what a client configured for the hub would use). */
    X509TrustManager trustManager() throws Exception {
        var store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("hub", certificate);
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }

    SSLContext sslContext() throws Exception {
        var context = SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
        return context;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
