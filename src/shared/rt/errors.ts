// Every way a DICOM RT input can be unusable, as one error class with a code. Callers (the
// study loader, the CLI, the viewer) branch on the code and show the message, which names
// the file and, where there is one, the attribute; nothing else escapes the parsers.

export const RT_ERROR_CODES = [
  'NOT_DICOM', // no DICOM preamble/prefix and not a readable raw data set either
  'TRUNCATED', // the bytes end inside an element or a pixel data block
  'WRONG_VR', // an attribute is encoded with a VR the standard does not allow for it
  'MISSING_TAG', // a required attribute is absent or empty
  'BAD_VALUE', // an attribute is present but its value is unusable (not a number, out of range)
  'UNSUPPORTED', // valid DICOM we do not handle (compressed pixels, non-axial contours, …)
  'WRONG_OBJECT', // e.g. a CT image passed where an RTDOSE was expected
  'NO_REFERENCED_IMAGE', // an RTSTRUCT that references no frame of reference or image series
  'INCONSISTENT', // objects that should agree do not (slices of one series, grid sizes)
  'FRAME_OF_REFERENCE_MISMATCH', // dose grids in different frames of reference
  'NOT_PHYSICAL_DOSE', // summation asked of relative or effective (biological) dose
] as const;

export type RtErrorCode = (typeof RT_ERROR_CODES)[number];

export class RtError extends Error {
  override readonly name = 'RtError';

  constructor(
    readonly code: RtErrorCode,
    message: string,
    /** The file (or object label) the error concerns, when there is one. */
    readonly file?: string,
    /** The attribute, formatted as "(GGGG,EEEE) Keyword", when there is one. */
    readonly tag?: string,
  ) {
    super(file ? `${file}: ${message}` : message);
  }
}

export function isRtError(value: unknown): value is RtError {
  return value instanceof RtError;
}
