// Which category each picked file belongs to: DICOM by its SOP class, FHIR R4 JSON by its
// resource type. A file that is neither is refused by name, so the person sees exactly what
// was left out instead of a record silently missing a file.
import type { Category } from '../../shared/ledger';
import { openDicom } from '../../shared/rt/parse/open';
import { EhrError } from '../errors';
import type { BundleFile } from './bundle';

export type RecordFormat = 'application/dicom' | 'application/fhir+json';

export interface ClassifiedFile {
  file: BundleFile;
  category: Category;
  format: RecordFormat;
  /** What the file is, for the summary ("CT image", "RT Plan", "Observation"). */
  kind: string;
}

const RT = '1.2.840.10008.5.1.4.1.1.481.';
const DICOM_RT: Record<string, { category: Category; kind: string }> = {
  [`${RT}1`]: { category: 'imaging', kind: 'RT Image' },
  [`${RT}2`]: { category: 'dose', kind: 'RT Dose' },
  [`${RT}3`]: { category: 'radiotherapy-plan', kind: 'RT Structure Set' },
  [`${RT}4`]: { category: 'treatment-record', kind: 'RT Beams Treatment Record' },
  [`${RT}5`]: { category: 'radiotherapy-plan', kind: 'RT Plan' },
  [`${RT}6`]: { category: 'treatment-record', kind: 'RT Brachy Treatment Record' },
  [`${RT}7`]: { category: 'treatment-record', kind: 'RT Treatment Summary Record' },
  [`${RT}8`]: { category: 'radiotherapy-plan', kind: 'RT Ion Plan' },
  [`${RT}9`]: { category: 'treatment-record', kind: 'RT Ion Beams Treatment Record' },
};
const IMAGE_KINDS: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.2': 'CT image',
  '1.2.840.10008.5.1.4.1.1.2.1': 'Enhanced CT image',
  '1.2.840.10008.5.1.4.1.1.4': 'MR image',
  '1.2.840.10008.5.1.4.1.1.4.1': 'Enhanced MR image',
  '1.2.840.10008.5.1.4.1.1.128': 'PET image',
  '1.2.840.10008.5.1.4.1.1.20': 'NM image',
  // A registration between two courses' images travels with the images it relates.
  '1.2.840.10008.5.1.4.1.1.66.1': 'Spatial Registration',
};

const FHIR_CATEGORY: Record<string, Category> = {
  Observation: 'lab',
  DiagnosticReport: 'clinical-note',
  Condition: 'clinical-note',
  Procedure: 'clinical-note',
  Composition: 'clinical-note',
  DocumentReference: 'clinical-note',
  CarePlan: 'clinical-note',
  Encounter: 'clinical-note',
  AllergyIntolerance: 'clinical-note',
  MedicationRequest: 'medication',
  MedicationStatement: 'medication',
  MedicationAdministration: 'medication',
  Medication: 'medication',
};

/** The category a FHIR resource type is shared under, or undefined when it is not shared. */
export function fhirCategoryOf(resourceType: string): Category | undefined {
  return Object.hasOwn(FHIR_CATEGORY, resourceType) ? FHIR_CATEGORY[resourceType] : undefined;
}

function classifyDicom(file: BundleFile): ClassifiedFile {
  let sopClass: string;
  try {
    sopClass = openDicom(file.bytes, file.name).reader.requireString('SOPClassUID');
  } catch (error) {
    throw new EhrError(
      'FILES_REFUSED',
      `${file.name} could not be read as DICOM: ${(error as Error).message}. Nothing was added.`,
    );
  }
  const rt = DICOM_RT[sopClass];
  if (rt) return { file, format: 'application/dicom', ...rt };
  const image = IMAGE_KINDS[sopClass];
  if (image) return { file, format: 'application/dicom', category: 'imaging', kind: image };
  throw new EhrError(
    'FILES_REFUSED',
    `${file.name} is a DICOM object of a kind the workstation does not share (SOP class ${sopClass}). Remove it and try again; nothing was added.`,
  );
}

function fhirResourceCategory(
  resource: unknown,
  name: string,
): { category: Category; kind: string } {
  const type = (resource as { resourceType?: unknown })?.resourceType;
  if (type === 'Bundle') {
    const entries = ((resource as { entry?: unknown }).entry ?? []) as { resource?: unknown }[];
    if (!Array.isArray(entries) || entries.length === 0) {
      throw new EhrError('FILES_REFUSED', `${name} is an empty FHIR Bundle. Nothing was added.`);
    }
    const categories = new Set(
      entries.map((e) => fhirResourceCategory(e?.resource, name).category),
    );
    // A bundle mixing kinds (a discharge summary with its labs) is filed as a clinical note.
    const [only] = categories;
    return {
      category: categories.size === 1 && only ? only : 'clinical-note',
      kind: 'FHIR Bundle',
    };
  }
  if (typeof type !== 'string') {
    throw new EhrError(
      'FILES_REFUSED',
      `${name} is JSON but not a FHIR resource (no resourceType). Nothing was added.`,
    );
  }
  const category = fhirCategoryOf(type);
  if (!category) {
    throw new EhrError(
      'FILES_REFUSED',
      `${name} is a FHIR ${type}, which the workstation does not share. Nothing was added.`,
    );
  }
  return { category, kind: type };
}

function classifyFhir(file: BundleFile): ClassifiedFile {
  let resource: unknown;
  try {
    resource = JSON.parse(Buffer.from(file.bytes).toString('utf8'));
  } catch {
    throw new EhrError(
      'FILES_REFUSED',
      `${file.name} is not valid JSON, so it cannot be a FHIR resource. Nothing was added.`,
    );
  }
  return { file, format: 'application/fhir+json', ...fhirResourceCategory(resource, file.name) };
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes.subarray(0, 64)) {
    if (
      b === 0x20 ||
      b === 0x0a ||
      b === 0x0d ||
      b === 0x09 ||
      b === 0xef ||
      b === 0xbb ||
      b === 0xbf
    )
      continue;
    return b === 0x7b; // "{"
  }
  return false;
}

export function classifyFiles(files: readonly BundleFile[]): ClassifiedFile[] {
  if (files.length === 0)
    throw new EhrError('FILES_REFUSED', 'No files were picked. Nothing was added.');
  return files.map((file) =>
    looksLikeJson(file.bytes) ? classifyFhir(file) : classifyDicom(file),
  );
}

export interface RecordGroup {
  category: Category;
  format: RecordFormat;
  files: ClassifiedFile[];
}

/** One record per category and format, in the order of the ledger's category list. */
export function groupIntoRecords(classified: readonly ClassifiedFile[]): RecordGroup[] {
  const groups = new Map<string, RecordGroup>();
  for (const c of classified) {
    const id = `${c.category}|${c.format}`;
    const group = groups.get(id) ?? { category: c.category, format: c.format, files: [] };
    group.files.push(c);
    groups.set(id, group);
  }
  return [...groups.values()];
}
