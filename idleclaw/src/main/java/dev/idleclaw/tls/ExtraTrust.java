package dev.idleclaw.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS context that trusts the JDK's certificate authorities (or whatever {@code javax.net.ssl.trustStore} names)
 * plus the certificates of one PEM file: how a client reaches a hub whose certificate is self-signed or issued by a
 * private CA, without touching the JVM's trust store. Host names are still verified against the certificate.
 */
public final class ExtraTrust {
    private ExtraTrust() {}

    /** Reads {@code pem} (one or more certificates, PEM or DER); throws {@link IllegalArgumentException} with a one-line reason. */
    public static SSLContext sslContext(Path pem) {
        Collection<? extends Certificate> extra;
        try (InputStream in = Files.newInputStream(pem)) {
            extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(pem + ": no such file");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(pem + ": not a PEM certificate file (" + e.getMessage() + ")");
        }
        if (extra.isEmpty()) throw new IllegalArgumentException(pem + ": no certificate in it");
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (X509Certificate ca : defaultTrust().getAcceptedIssuers()) store.setCertificateEntry("default-" + n++, ca);
            for (Certificate c : extra) store.setCertificateEntry("extra-" + n++, c);
            var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager defaultTrust() throws GeneralSecurityException {
        var factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (var m : factory.getTrustManagers()) if (m instanceof X509TrustManager x) return x;
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }
}
