// SPDX-License-Identifier: Apache-2.0
//! Ed25519 keys and signatures over the exact index bytes.
//!
//! The text forms (hex in files and environment variables) are parsed into keys with errors,
//! never panics. A secret key is checked against its own public half before it signs, and its
//! bytes are wiped when it is dropped. A public key is named by its [`KeyId`].

use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Why a key or signature was refused. Each message names the likely mistake and never
/// repeats the key itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The secret key text is empty.
    #[error("the signing key is empty: is the secret set for this job? (secrets are not given to workflows from forks)")]
    SecretEmpty,
    /// A public key where the secret key belongs.
    #[error("this is a public key (64 hex); signing needs the private key (128 hex: seed then public key), the index-signing.key `registryctl keygen` wrote")]
    SecretIsPublic,
    /// The secret key text has the wrong length.
    #[error("the signing key must be 128 hex characters (32-byte seed then 32-byte public key), found {0} characters")]
    SecretLength(usize),
    /// The secret key text is not hex.
    #[error("the signing key is not hex: expected 128 characters of 0-9 and a-f, without quotes, a 0x prefix or spaces")]
    SecretNotHex,
    /// The secret key's halves do not belong together.
    #[error("the signing key's second half is not the public key of its first half; signatures made with it could never be verified (was it copied incompletely, or pieced together from two keys?)")]
    SecretMismatch,
    /// The public key text is empty.
    #[error("the public key is empty: is the variable passed to --pub set?")]
    PublicEmpty,
    /// A private key where the public key belongs.
    #[error("this is a private key (128 hex); pass the public key (64 hex), e.g. --pub-file keys/index-signing.pub")]
    PublicIsSecret,
    /// 128 hex characters that are not a private key: most likely a signature.
    #[error("this is 128 hex characters, the size of a signature, not of a public key (64 hex); pass the public key, e.g. --pub-file keys/index-signing.pub")]
    PublicIsSignature,
    /// The public key text has the wrong length.
    #[error("the public key must be 64 hex characters, found {0}")]
    PublicLength(usize),
    /// The public key text is not hex.
    #[error("the public key is not hex: expected 64 characters of 0-9 and a-f, without quotes, a 0x prefix or spaces")]
    PublicNotHex,
    /// The public key is not a curve point.
    #[error("the public key is not a valid Ed25519 point: was it copied incompletely?")]
    PublicInvalid,
    /// The signature file holds something other than one hex signature.
    #[error("the signature file must hold exactly one signature of 128 hex characters, as `registryctl sign` writes it")]
    SignatureFormat,
    /// The signature does not verify.
    #[error("the signature does not match the data and public key: the file changed after it was signed, the signature belongs to another file, or it was made with another key (was the key rotated?)")]
    BadSignature,
    /// The operating system's random source failed.
    #[error("cannot read the operating system's random source: {0}")]
    Random(String),
}

/// A signing key; its bytes are wiped on drop (ed25519-dalek's zeroize feature).
pub struct SecretKey(SigningKey);

impl SecretKey {
    /// Parses the 128-hex form: seed then public key. Surrounding whitespace is ignored.
    pub fn from_hex(text: &str) -> Result<SecretKey, KeyError> {
        let text = text.trim();
        match text.len() {
            0 => return Err(KeyError::SecretEmpty),
            64 if PublicKey::from_hex(text).is_ok() => return Err(KeyError::SecretIsPublic),
            128 => {}
            n => return Err(KeyError::SecretLength(n)),
        }
        let mut bytes = Zeroizing::new([0u8; 64]);
        hex::decode_to_slice(text, bytes.as_mut_slice()).map_err(|_| KeyError::SecretNotHex)?;
        let mut seed = Zeroizing::new([0u8; 32]);
        seed.copy_from_slice(&bytes[..32]);
        let key = SigningKey::from_bytes(&seed);
        if key.verifying_key().as_bytes() != &bytes[32..] {
            return Err(KeyError::SecretMismatch);
        }
        Ok(SecretKey(key))
    }

    /// The key for a 32-byte seed (Ed25519 keys are derived from their seed).
    pub fn from_seed(seed: &[u8; 32]) -> SecretKey {
        SecretKey(SigningKey::from_bytes(seed))
    }

    /// A fresh key: a 32-byte seed from the operating system's random source.
    pub fn generate() -> Result<SecretKey, KeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::fill(seed.as_mut_slice()).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(SecretKey::from_seed(&seed))
    }

    /// The 128-hex text form, in a buffer wiped on drop.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.to_keypair_bytes()))
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The signature over `data`, as lowercase hex and a newline (the `.sig` file's content).
    pub fn sign(&self, data: &[u8]) -> String {
        let mut s = hex::encode(self.0.sign(data).to_bytes());
        s.push('\n');
        s
    }
}

/// A key's short name: the first 8 bytes of SHA-256 over the 32-byte public key, written as
/// 16 lowercase hex characters. It names key files (`index-signing-<id>.pub`) and second
/// signatures (`index.json.sig.<id>`), and `verify` says which key verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId([u8; 8]);

impl KeyId {
    /// The id's bytes.
    pub fn as_bytes(&self) -> &[u8; 8] {
        &self.0
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// A public key, the gateway's trust anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Parses 64 hex characters; surrounding whitespace is ignored.
    pub fn from_hex(text: &str) -> Result<PublicKey, KeyError> {
        let text = text.trim();
        match text.len() {
            0 => return Err(KeyError::PublicEmpty),
            64 => {}
            128 if SecretKey::from_hex(text).is_ok() => return Err(KeyError::PublicIsSecret),
            128 if text.bytes().all(|b| b.is_ascii_hexdigit()) => return Err(KeyError::PublicIsSignature),
            n => return Err(KeyError::PublicLength(n)),
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| KeyError::PublicNotHex)?;
        VerifyingKey::from_bytes(&bytes).map(PublicKey).map_err(|_| KeyError::PublicInvalid)
    }

    /// The 64-hex text form.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.as_bytes())
    }

    /// The key's id: the first 8 bytes of SHA-256 over its 32 bytes.
    pub fn key_id(&self) -> KeyId {
        let digest = Sha256::digest(self.0.as_bytes());
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        KeyId(id)
    }

    /// Strict verification (no non-canonical or small-order encodings) of a `.sig` file's text
    /// over the exact bytes. The text must be one 128-hex signature, whitespace around it aside.
    pub fn verify(&self, data: &[u8], signature_text: &str) -> Result<(), KeyError> {
        let text = signature_text.trim();
        if text.len() != 128 {
            return Err(KeyError::SignatureFormat);
        }
        let mut bytes = [0u8; 64];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| KeyError::SignatureFormat)?;
        self.0.verify_strict(data, &Signature::from_bytes(&bytes)).map_err(|_| KeyError::BadSignature)
    }

    /// [`PublicKey::verify`] for a signature file's raw bytes, which must be UTF-8.
    pub fn verify_file(&self, data: &[u8], signature: &[u8]) -> Result<(), KeyError> {
        let text = std::str::from_utf8(signature).map_err(|_| KeyError::SignatureFormat)?;
        self.verify(data, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let key = SecretKey::generate().unwrap();
        let again = SecretKey::from_hex(&key.to_hex()).unwrap();
        let sig = again.sign(b"data");
        assert!(sig.ends_with('\n') && sig.len() == 129);
        let public = key.public();
        assert_eq!(public.verify(b"data", &sig), Ok(()));
        assert_eq!(public.verify(b"datb", &sig), Err(KeyError::BadSignature));
        assert_eq!(public.verify(b"data", &format!("{sig}{sig}")), Err(KeyError::SignatureFormat));
        assert_eq!(public.verify_file(b"data", b"\xff"), Err(KeyError::SignatureFormat));
        assert_eq!(PublicKey::from_hex(&format!("  {}\n", public.to_hex())), Ok(public));
    }

    #[test]
    fn key_ids_are_the_first_8_bytes_of_sha256_over_the_public_key() {
        // RFC 8032, section 7.1, test 1: the seed and its public key; the id computed
        // independently (Python hashlib) over those 32 bytes.
        let seed: [u8; 32] = hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap().try_into().unwrap();
        let public = SecretKey::from_seed(&seed).public();
        assert_eq!(public.to_hex(), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        assert_eq!(public.key_id().to_string(), "21fe31dfa154a261");
        // The conformance fixtures' throwaway key.
        let test_key = PublicKey::from_hex("fa871f1b79711276568a1022c73f9056412f3aa276df1c707d7247cf40dff17a").unwrap();
        assert_eq!(test_key.key_id().to_string(), "3f169dbc1dfaede6");
    }

    #[test]
    fn generated_keys_differ() {
        assert_ne!(SecretKey::generate().unwrap().public(), SecretKey::generate().unwrap().public());
    }

    #[test]
    fn refuses_malformed_keys() {
        assert_eq!(SecretKey::from_hex("abcd").err(), Some(KeyError::SecretLength(4)));
        assert_eq!(SecretKey::from_hex(&"zz".repeat(64)).err(), Some(KeyError::SecretNotHex));
        let key = SecretKey::generate().unwrap();
        let mut mismatched = key.to_hex().to_string();
        mismatched.replace_range(64.., &"00".repeat(32));
        assert_eq!(SecretKey::from_hex(&mismatched).err(), Some(KeyError::SecretMismatch));
        assert_eq!(PublicKey::from_hex("00").err(), Some(KeyError::PublicLength(2)));
        assert_eq!(PublicKey::from_hex(&"g".repeat(64)).err(), Some(KeyError::PublicNotHex));
    }

    #[test]
    fn a_key_in_the_wrong_place_is_named_and_never_echoed() {
        let key = SecretKey::generate().unwrap();
        let secret = key.to_hex();
        let public = key.public().to_hex();
        assert_eq!(PublicKey::from_hex(&secret).err(), Some(KeyError::PublicIsSecret));
        assert_eq!(PublicKey::from_hex(key.sign(b"x").trim()).err(), Some(KeyError::PublicIsSignature));
        assert_eq!(SecretKey::from_hex(&public).err(), Some(KeyError::SecretIsPublic));
        assert_eq!(SecretKey::from_hex("  \n").err(), Some(KeyError::SecretEmpty));
        assert_eq!(PublicKey::from_hex("").err(), Some(KeyError::PublicEmpty));
        let message = KeyError::PublicIsSecret.to_string();
        assert!(message.contains("this is a private key (128 hex); pass the public key (64 hex)"));
        assert!(!message.contains(&secret[..16]) && !message.contains(&public[..16]));
    }
}
