// What the workstation shows of a hospital PACS: studies and series found by a QIDO-RS
// search. Plain data, so it crosses the IPC boundary as is.

export interface PacsStudyQuery {
  patientId?: string;
  /** DICOM person name matching; `*` is a wildcard (e.g. "DOE*"). */
  patientName?: string;
  /** YYYYMMDD or a range YYYYMMDD-YYYYMMDD. */
  studyDate?: string;
  /** Studies that hold a series of this modality (CT, RTSTRUCT, RTPLAN, RTDOSE, RTRECORD). */
  modality?: string;
  /** One study by its UID. */
  studyInstanceUid?: string;
}

export interface PacsStudy {
  studyInstanceUid: string;
  patientId: string;
  patientName: string;
  studyDate: string;
  studyDescription: string;
  modalities: string[];
  seriesCount: number | null;
  instanceCount: number | null;
}

export interface PacsSeries {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  seriesDescription: string;
  seriesNumber: number | null;
  instanceCount: number | null;
}

/** A series to retrieve: the study it belongs to and its own UID. */
export interface PacsSeriesRef {
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

export interface PacsStudyWithSeries extends PacsStudy {
  series: PacsSeries[];
}

/** What Send to our PACS did. */
export interface SendToPacsResult {
  /** Instances the PACS did not hold before and now does. */
  stored: number;
  /** Instances it held already (a repeated send). */
  alreadyThere: number;
  studyInstanceUids: string[];
}
