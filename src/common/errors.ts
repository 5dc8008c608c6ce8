/**
 * @module common/errors
 * Eddy's error classes. The base class mirrors the fields of PostgreSQL's ErrorResponse so that
 * every layer (library, pgwire, HTTP) reports the same code, message and position. Every SQLSTATE
 * Eddy raises is named in `SqlState` below: one table, one place to look.
 */

/** Every SQLSTATE Eddy raises. Values are PostgreSQL's codes. */
export const SqlState = {
  successfulCompletion: '00000',
  connectionException: '08000',
  connectionFailure: '08006',
  protocolViolation: '08P01',
  featureNotSupported: '0A000',
  cardinalityViolation: '21000',
  dataException: '22000',
  stringDataRightTruncation: '22001',
  numericValueOutOfRange: '22003',
  nullValueNotAllowed: '22004',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
  invalidTimeZoneDisplacementValue: '22009',
  substringError: '22011',
  divisionByZero: '22012',
  invalidPrecedingOrFollowingSize: '22013',
  invalidParameterValue: '22023',
  invalidArgumentForNtileFunction: '22014',
  invalidArgumentForNthValueFunction: '22016',
  invalidArgumentForLogarithm: '2201E',
  invalidArgumentForPowerFunction: '2201F',
  invalidArgumentForWidthBucketFunction: '2201G',
  invalidUseOfEscapeCharacter: '2200C',
  intervalFieldOverflow: '22015',
  invalidRegularExpression: '2201B',
  invalidRowCountInLimitClause: '2201W',
  invalidRowCountInResultOffsetClause: '2201X',
  invalidTextRepresentation: '22P02',
  invalidBinaryRepresentation: '22P03',
  invalidEscapeSequence: '22025',
  untranslatableCharacter: '22P05',
  characterNotInRepertoire: '22021',
  badCopyFileFormat: '22P04',
  arraySubscriptError: '2202E',
  invalidJsonText: '22P02',
  sqlJsonError: '22030',
  integrityConstraintViolation: '23000',
  notNullViolation: '23502',
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
  invalidTransactionState: '25000',
  activeSqlTransaction: '25001',
  noActiveSqlTransaction: '25P01',
  inFailedSqlTransaction: '25P02',
  readOnlySqlTransaction: '25006',
  invalidSqlStatementName: '26000',
  invalidAuthorizationSpecification: '28000',
  invalidPassword: '28P01',
  dependentObjectsStillExist: '2BP01',
  invalidCursorName: '34000',
  duplicatePreparedStatement: '42P05',
  duplicateCursor: '42P03',
  syntaxError: '42601',
  insufficientPrivilege: '42501',
  serializationFailure: '40001',
  groupingError: '42803',
  windowingError: '42P20',
  invalidRecursion: '42P19',
  invalidForeignKey: '42830',
  invalidName: '42602',
  nameTooLong: '42622',
  reservedName: '42939',
  datatypeMismatch: '42804',
  indeterminateDatatype: '42P18',
  wrongObjectType: '42809',
  undefinedColumn: '42703',
  undefinedFunction: '42883',
  undefinedTable: '42P01',
  undefinedParameter: '42P02',
  undefinedObject: '42704',
  duplicateColumn: '42701',
  duplicateObject: '42710',
  duplicateTable: '42P07',
  duplicateAlias: '42712',
  ambiguousColumn: '42702',
  ambiguousFunction: '42725',
  ambiguousParameter: '42P08',
  invalidColumnReference: '42P10',
  invalidColumnDefinition: '42611',
  invalidTableDefinition: '42P16',
  invalidObjectDefinition: '42P17',
  cannotCoerce: '42846',
  objectNotInPrerequisiteState: '55000',
  objectInUse: '55006',
  lockNotAvailable: '55P03',
  insufficientResources: '53000',
  diskFull: '53100',
  tooManyConnections: '53300',
  configurationLimitExceeded: '53400',
  outOfMemory: '53200',
  programLimitExceeded: '54000',
  statementTooComplex: '54001',
  tooManyColumns: '54011',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  systemError: '58000',
  snapshotTooOld: '72000',
  ioError: '58030',
  internalError: 'XX000',
  dataCorrupted: 'XX001',
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

export type Severity = 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

export interface EddyErrorFields {
  code: SqlStateCode;
  message: string;
  severity?: Severity;
  detail?: string;
  hint?: string;
  /** 1-based character position in the statement text, as PostgreSQL reports it. */
  position?: number;
  cause?: unknown;
}

/** The base of every error Eddy raises on purpose. Fields mirror PostgreSQL's ErrorResponse. */
export class EddyError extends Error {
  readonly code: SqlStateCode;
  readonly severity: Severity;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  position: number | undefined;

  constructor(fields: EddyErrorFields) {
    super(fields.message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.name = new.target.name;
    this.code = fields.code;
    this.severity = fields.severity ?? 'ERROR';
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.position = fields.position;
  }
}

type Details = Omit<EddyErrorFields, 'code' | 'message'>;

/** The statement text does not parse (42601). */
export class SqlSyntaxError extends EddyError {
  constructor(message: string, details: Details = {}) {
    super({ code: SqlState.syntaxError, message, ...details });
  }
}

/** A name does not resolve to a table, column, function or other object (42P01, 42703, 42883, 42704). */
export class UndefinedObjectError extends EddyError {
  constructor(code: SqlStateCode, message: string, details: Details = {}) {
    super({ code, message, ...details });
  }
}

/** A statement is well-formed but semantically wrong: types, grouping, duplicates (42xxx). */
export class SemanticError extends EddyError {
  constructor(code: SqlStateCode, message: string, details: Details = {}) {
    super({ code, message, ...details });
  }
}

/** A value cannot be computed: overflow, division by zero, bad text for a type (22xxx). */
export class DataError extends EddyError {
  constructor(code: SqlStateCode, message: string, details: Details = {}) {
    super({ code, message, ...details });
  }
}

/** A constraint rejected a write: NOT NULL, primary key (23xxx). */
export class ConstraintError extends EddyError {
  constructor(code: SqlStateCode, message: string, details: Details = {}) {
    super({ code, message, ...details });
  }
}

/** Valid SQL that Eddy does not (yet) support (0A000). */
export class FeatureNotSupportedError extends EddyError {
  constructor(message: string, details: Details = {}) {
    super({ code: SqlState.featureNotSupported, message, ...details });
  }
}

/** A limit was hit: memory, sizes, counts (53xxx / 54xxx). */
export class ResourceLimitError extends EddyError {
  constructor(code: SqlStateCode, message: string, details: Details = {}) {
    super({ code, message, ...details });
  }
}

/** An object is in the wrong state for the request, or a transaction misuse (25xxx, 55xxx). */
export class StateError extends EddyError {
  constructor(code: SqlStateCode, message: string, details: Details = {}) {
    super({ code, message, ...details });
  }
}

/** A transaction lost a conflict with a concurrent one and was rolled back: retry it (40001). */
export class SerializationError extends EddyError {
  constructor(message: string, details: Details = {}) {
    super({
      code: SqlState.serializationFailure,
      message,
      hint: 'The transaction might succeed if retried.',
      ...details,
    });
  }
}

/** A connector's peer failed or could not be reached (08xxx). */
export class ConnectorError extends EddyError {
  constructor(message: string, details: Details = {}) {
    super({ code: SqlState.connectionFailure, message, ...details });
  }
}

/** The durable store failed (58030) or its contents are corrupt (XX001). */
export class StorageError extends EddyError {
  constructor(code: SqlStateCode, message: string, details: Details = {}) {
    super({ code, message, ...details });
  }
}

/**
 * A value of a row given to `insert()` / `insertBatch()` that could not be stored: the value's own
 * error (its code and message), with the table, the row's index in the call (from 0) and the column.
 */
export class RowInputError extends EddyError {
  readonly table: string;
  readonly row: number;
  readonly column: string | undefined;

  constructor(cause: EddyError, table: string, row: number, column: string | undefined) {
    const where = `Row ${row} (counting from 0) for table "${table}"${column === undefined ? '' : `, column "${column}"`}.`;
    super({
      code: cause.code,
      message: cause.message,
      detail: cause.detail === undefined ? where : `${cause.detail} ${where}`,
      hint: cause.hint,
      cause,
    });
    this.table = table;
    this.row = row;
    this.column = column;
  }
}

/** A bug in Eddy: an invariant did not hold (XX000). Raised by `assert`, never for user input. */
export class InternalError extends EddyError {
  constructor(message: string, details: Details = {}) {
    super({ code: SqlState.internalError, message, ...details });
  }
}

/** Checks an internal invariant. Never use for user input: that gets a typed error. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InternalError(`assertion failed: ${message}`);
}

/** Marks a switch as exhaustive: the type checker fails the build if a case is missing. */
export function unreachable(value: never, what = 'value'): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
