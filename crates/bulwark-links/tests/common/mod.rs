//! Test helpers shared by the test binaries.

use bulwark_links::ModeEngines;
use bulwark_soft::SoftAes;

/// The link engines over the software AES.
pub type Engines = ModeEngines<fn(&[u8]) -> Result<SoftAes, bulwark_api::Error>>;

/// The link engines over the software AES (stateless: a fresh value per call is the same).
pub fn engines() -> Engines {
    ModeEngines(SoftAes::new)
}
