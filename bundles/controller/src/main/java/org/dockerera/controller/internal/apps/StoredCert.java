package org.dockerera.controller.internal.apps;

import org.dockerera.api.CertificateInfo;

/**
 * A host name's certificate as stored in its app's record.
 *
 * @param info      what the API shows of it
 * @param chainPem  the leaf and its intermediates, PEM (public)
 * @param sealedKey the PKCS#8 PEM private key sealed under the cluster key
 */
record StoredCert(CertificateInfo info, String chainPem, String sealedKey) {
    @Override
    public String toString() {
        return "StoredCert[" + info.domain() + ", " + info.fingerprint() + ", key=sealed]";
    }
}
