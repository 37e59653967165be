package dev.tcplat.exporter.config;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of the endpoint: the server's key and chain, the protocol versions and cipher
 * suites it accepts, and whether (and against which CAs) it verifies client certificates. Built
 * while the web config file is read, so a key or chain the JDK refuses fails the start (and
 * {@code --config.check}) before anything is served.
 */
public final class TlsSettings {
    /** How a client certificate is asked for; names as in Go's crypto/tls and the web config. */
    enum ClientAuth { NONE, VERIFY_IF_GIVEN, REQUIRE_AND_VERIFY }

    private final SSLContext context;
    private final SSLParameters parameters;

    private TlsSettings(SSLContext context, SSLParameters parameters) {
        this.context = context;
        this.parameters = parameters;
    }

    /**
     * @param protocols JDK protocol names, e.g. {@code TLSv1.2}, lowest first
     * @param cipherSuites TLS 1.2 suites to allow (IANA names); empty: the JDK's defaults
     * @param clientCas CAs that sign acceptable client certificates; empty unless verifying
     */
    static TlsSettings create(List<X509Certificate> chain, PrivateKey key, List<String> protocols,
            List<String> cipherSuites, ClientAuth clientAuth, List<X509Certificate> clientCas)
            throws GeneralSecurityException {
        char[] password = new char[0];
        KeyStore keys = emptyStore();
        keys.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);

        TrustManagerFactory trustManagers = null;
        if (clientAuth != ClientAuth.NONE) {
            KeyStore trusted = emptyStore();
            for (int i = 0; i < clientCas.size(); i++) {
                trusted.setCertificateEntry("client-ca-" + i, clientCas.get(i));
            }
            trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trusted);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers == null ? null : trustManagers.getTrustManagers(),
                null);

        SSLParameters parameters = context.getDefaultSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        if (!cipherSuites.isEmpty()) {
            parameters.setCipherSuites(withTls13Suites(context, cipherSuites).toArray(String[]::new));
        }
        parameters.setNeedClientAuth(clientAuth == ClientAuth.REQUIRE_AND_VERIFY);
        if (clientAuth == ClientAuth.VERIFY_IF_GIVEN) {
            parameters.setWantClientAuth(true);
        }
        return new TlsSettings(context, parameters);
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            // Only reading a stream can fail this way, and there is none.
            throw new java.security.KeyStoreException(e);
        }
        return store;
    }

    /**
     * Go (and so the web config format) applies {@code cipher_suites} to TLS 1.2 only and keeps
     * all TLS 1.3 suites; the JDK has one list for both, so the 1.3 suites are added back.
     */
    private static List<String> withTls13Suites(SSLContext context, List<String> tls12Suites) {
        List<String> all = new ArrayList<>(tls12Suites);
        Arrays.stream(context.getDefaultSSLParameters().getCipherSuites())
                .filter(suite -> suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_"))
                .forEach(all::add);
        return all;
    }

    /** Cipher suites this JDK can use, to check {@code cipher_suites} against. */
    static List<String> supportedCipherSuites() throws GeneralSecurityException {
        return List.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
    }

    /** The context every TLS connection of the endpoint is made from. */
    public SSLContext context() {
        return context;
    }

    /** A fresh copy of the connection parameters: the server sets one on each connection. */
    public SSLParameters parameters() {
        return copy(parameters);
    }

    List<String> protocols() {
        return List.of(parameters.getProtocols());
    }

    private static SSLParameters copy(SSLParameters source) {
        SSLParameters copy = new SSLParameters(source.getCipherSuites(), source.getProtocols());
        copy.setNeedClientAuth(source.getNeedClientAuth());
        if (!source.getNeedClientAuth()) {
            copy.setWantClientAuth(source.getWantClientAuth());
        }
        return copy;
    }
}
