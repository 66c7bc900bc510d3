//! The gateway's state and device database, and why it drops a frame.

use super::*;

/// One device as the gateway knows it, derived from its code.
struct DeviceEntry {
    eui64: [u8; 8],
    ccm: <DefaultProvider as Provider>::Ccm,
    session_salt: SecretBytes<32>,
    /// The highest frame counter accepted so far (the replay window).
    highest: Option<u32>,
}

/// Why the gateway dropped a frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Not a frame of this demo.
    Malformed,
    /// From an address no joined device has.
    UnknownSender(u64),
    /// The frame counter is not above the highest one accepted from this sender.
    Replay {
        /// The frame's counter.
        counter: u32,
        /// The highest accepted so far.
        highest: u32,
    },
    /// The MIC did not verify (the one opaque bulwark error).
    Crypto(Error),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Malformed => f.write_str("malformed frame"),
            Rejection::UnknownSender(a) => write!(f, "unknown sender {a:016x}"),
            Rejection::Replay { counter, highest } => write!(
                f,
                "replayed frame counter {counter} (highest accepted so far: {highest})"
            ),
            Rejection::Crypto(Error::Verification) => {
                f.write_str("MIC verification failed (Error::Verification)")
            }
            Rejection::Crypto(e) => write!(f, "crypto error: {e}"),
        }
    }
}

/// The gateway: its X25519 key, the update it signed, and its device database
/// (PSK identity -> link key, session salt, replay window).
pub struct Gateway {
    x25519: <DefaultProvider as KeyAgreement<X25519>>::StaticSecret,
    pub(crate) x25519_public: [u8; 32],
    update_key: [u8; 32],
    update: Vec<u8>,
    database: HashMap<DeviceIdentity, DeviceEntry>,
    joined: HashMap<u64, DeviceIdentity>,
}

impl Gateway {
    /// Opens the sealed vault `dir/gateway/devices.vault` and derives the database from the
    /// device codes in it; `dir/device/update.img` is the update it signed.
    pub fn load(dir: &Path) -> Result<Self, Failure> {
        let gateway_dir = dir.join("gateway");
        let (mut vault, _) = vault_file::open(&gateway_dir)?;
        let update = fs::read(dir.join("device").join("update.img"))?;
        let mut provider = DefaultProvider::default();
        let mut database = HashMap::new();
        let mut buf = Zeroizing::new([0u8; 1024]);
        let mut secret = |vault: &mut vault_file::GatewayVault, name: &str| {
            let mut out = [0u8; 32];
            match vault.get(name.as_bytes(), buf.as_mut()) {
                Ok(Some(32)) => {
                    out.copy_from_slice(&buf[..32]);
                    Ok(out)
                }
                Ok(_) => fail(format!("{}: no {name}", vault_file::VAULT_FILE)),
                Err(e) => fail(format!("{}: {name}: {e}", vault_file::VAULT_FILE)),
            }
        };
        let mut x25519_secret = secret(&mut vault, "gateway/x25519")?;
        let mut seed = secret(&mut vault, "gateway/update-seed")?;
        let x25519 = KeyAgreement::<X25519>::import_static(
            &mut provider,
            SecretBytes::take_from(&mut x25519_secret),
        )?;
        let signing =
            Sign::<Ed25519>::import_signing_key(&mut provider, SecretBytes::take_from(&mut seed))?;
        let public = Sign::<Ed25519>::signing_public(&mut provider, &signing)?;
        let update_key = Verify::<Ed25519>::export_public(&mut provider, &public);
        let gateway = Some((x25519, update_key));
        for name in vault_file::device_names(&mut vault)? {
            let mut value = Zeroizing::new([0u8; 1024]);
            let len = vault
                .get(name.as_bytes(), value.as_mut())?
                .ok_or_else(|| Failure(format!("{}: {name} vanished", vault_file::VAULT_FILE)))?;
            let (epoch, code) = value[..len].split_at(4.min(len));
            let epoch = u32::from_be_bytes(
                epoch
                    .try_into()
                    .map_err(|_| Failure(format!("{name}: bad record")))?,
            );
            let code = std::str::from_utf8(code)
                .ok()
                .and_then(|c| OobCode::parse(c).ok())
                .ok_or_else(|| Failure(format!("{name}: bad code")))?;
            let eui64: [u8; 8] = fixed(name.trim_start_matches("device/"), "eui64")?;
            let root = DeviceRoot::from_code(&mut provider, &code, &eui64, epoch)
                .map_err(|e| Failure(format!("{name}: {e}")))?;
            let identity = root.identity(&mut provider).map_err(Error::from)?;
            let mut link = SecretBytes::<16>::zeroed();
            root.link_key(&mut provider, &mut link)
                .map_err(Error::from)?;
            let mut session_salt = SecretBytes::<32>::zeroed();
            root.purpose_key(
                &mut provider,
                protocol::SESSION_SALT_PURPOSE,
                &mut session_salt,
            )
            .map_err(Error::from)?;
            database.insert(
                identity,
                DeviceEntry {
                    eui64,
                    ccm: provider.ccm(link.expose_secret())?,
                    session_salt,
                    highest: None,
                },
            );
        }
        let Some((x25519, update_key)) = gateway else {
            return fail("the vault has no gateway keys");
        };
        let public = KeyAgreement::<X25519>::static_public(&mut provider, &x25519)?;
        let x25519_public = KeyAgreement::<X25519>::export_public(&mut provider, &public);
        Ok(Self {
            x25519,
            x25519_public,
            update_key,
            update,
            database,
            joined: HashMap::new(),
        })
    }

    /// How many devices the database holds.
    pub fn devices(&self) -> usize {
        self.database.len()
    }

    /// A device announces its PSK identity: look it up. Returns its EUI-64.
    pub fn join(&mut self, identity: [u8; 16]) -> Option<[u8; 8]> {
        let identity = DeviceIdentity(identity);
        let entry = self.database.get(&identity)?;
        let eui64 = entry.eui64;
        self.joined.insert(u64::from_be_bytes(eui64), identity);
        Some(eui64)
    }

    /// Checks and decrypts a frame in place; a replay is refused before any decryption and
    /// only an authenticated frame advances the window.
    pub fn receive(&mut self, frame: &mut [u8]) -> Result<(FrameInfo, Reading), Rejection> {
        let info = protocol::parse_header(frame).ok_or(Rejection::Malformed)?;
        let identity = self
            .joined
            .get(&info.source)
            .ok_or(Rejection::UnknownSender(info.source))?;
        let entry = self
            .database
            .get_mut(identity)
            .ok_or(Rejection::UnknownSender(info.source))?;
        if let Some(highest) = entry.highest
            && info.frame_counter <= highest
        {
            return Err(Rejection::Replay {
                counter: info.frame_counter,
                highest,
            });
        }
        let mic_start = frame.len() - info.level.mic_len();
        let (rest, mic) = frame.split_at_mut(mic_start);
        let (header, payload) = rest.split_at_mut(HEADER_LEN);
        let nonce = ieee802154_nonce(info.source, info.frame_counter, info.level);
        entry
            .ccm
            .open_frame(info.level, &nonce, header, payload, mic)
            .map_err(Rejection::Crypto)?;
        entry.highest = Some(info.frame_counter);
        let reading = Reading::decode(payload).ok_or(Rejection::Malformed)?;
        Ok((info, reading))
    }

    /// Completes the X25519 exchange with a joined device's ephemeral public key and checks
    /// its confirmation tag: `Ok` only if both sides derived the same session key.
    pub fn confirm_session(
        &mut self,
        identity: [u8; 16],
        device_public: &[u8; 32],
        tag: &[u8; 16],
    ) -> Result<(), Error> {
        let entry = self
            .database
            .get(&DeviceIdentity(identity))
            .ok_or(Error::InvalidInput)?;
        let mut provider = DefaultProvider::default();
        let peer = KeyAgreement::<X25519>::import_public(&mut provider, device_public)?;
        let shared = KeyAgreement::<X25519>::agree_static(&mut provider, &self.x25519, &peer)?;
        let session = protocol::session_key(
            &mut provider,
            &entry.session_salt,
            shared,
            device_public,
            &self.x25519_public,
        )?;
        protocol::check_confirmation(
            &mut provider,
            &session,
            device_public,
            &self.x25519_public,
            tag,
        )
    }

    /// The digest and security counter of the update this gateway signed (by verifying it
    /// itself).
    pub fn update_digest(&self) -> Result<(u32, Vec<u8>), Failure> {
        let trusted = [self.update_key];
        let mut provider = DefaultProvider::default();
        let image = Verifier::ed25519(&mut provider, &trusted)
            .and_then(|v| v.verify_slice(&mut provider, &self.update, &mut RamCounter(0)))
            .map_err(|e| Failure(format!("the gateway's own update does not verify: {e}")))?;
        Ok((
            image.security_counter().unwrap_or(0),
            image.digest().as_bytes().to_vec(),
        ))
    }
}
