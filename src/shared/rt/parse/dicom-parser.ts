// dicom-parser ships a UMD bundle. Bundlers and vitest expose its functions on the
// namespace, while Node's native ESM loader (package.json "type": "module", as the CLI runs)
// only exposes them under `default`. Resolve once here so every module works everywhere.

import * as imported from 'dicom-parser';

type DicomParserModule = typeof imported;

const candidate = imported as DicomParserModule & { default?: DicomParserModule };

export const dicomParser: DicomParserModule =
  typeof candidate.parseDicom === 'function' ? candidate : (candidate.default ?? candidate);

export type DataSet = imported.DataSet;
export type Element = imported.Element;
