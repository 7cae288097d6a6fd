// The detector model (``Detector``, ``Level``, ``Category``, …) lives in its own module so that
// the build plugin can read detector files with the same parser; `import Cordon` brings it in.
@_exported import CordonDetectorModel
