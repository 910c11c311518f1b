import type { VendorSpec } from '../spec/vendor-spec.ts';
import type { VendorError } from '../spec/spec-types.ts';
import { handleAdmin, ADMIN_PREFIX } from './admin.ts';
import { SnapshotBackend, type IdFactory } from './backend.ts';
import { Deviations } from './deviations.ts';
import { DomainError, type DomainRefusal } from './domain-error.ts';
import type { ArrivedHttpRequest, HttpAnswer } from './http-server.ts';
import type { Disk } from './model.ts';
import { firstViolation } from './request-validation.ts';
import { rulesFromContract } from './rules.ts';

/** A key pair an emulator accepts, and the account it belongs to. */
export interface EmulatorPrincipal {
  id: string;
  secret: string;
  account: string;
}

/** A refusal in the vendor's words: the code, the HTTP status it travels with, and a message. */
export class VendorFault extends Error {
  constructor(readonly code: string, readonly status: number, message: string) {
    super(message);
  }
}

/** What a vendor's emulator is started with. */
export interface VendorEmulatorOptions {
  spec: VendorSpec;
  principals: EmulatorPrincipal[];
  /** Deliberate deviations from the documents. @defaultValue none */
  deviations?: Deviations;
}

/** What every vendor front end is built from. */
export interface FrontEndOptions {
  spec: VendorSpec;
  principals: EmulatorPrincipal[];
  deviations?: Deviations;
  /** How this vendor words a disk's state (the contract's `allowed-disk-states` values). */
  renderDiskState: (disk: Disk) => string;
  ids: IdFactory;
  /** For a service whose API names no region (Zenlayer ZEC): the one scope of all its resources. */
  fixedRegion?: string;
  /** Vendor errors for domain refusals that the contract does not cover (companion actions). */
  refusals: Partial<Record<DomainRefusal, VendorError>>;
}

/**
 * The vendor-neutral half of an emulator front end: the backend with rules read from the spec's contract,
 * the admin API, request validation against the spec, and the mapping of domain refusals to the vendor's
 * documented codes. A vendor front end adds only its wire protocol: how a request is authenticated and
 * read, and how answers and faults are written.
 */
export abstract class EmulatorFrontEnd {
  readonly backend: SnapshotBackend;
  protected readonly spec: VendorSpec;
  protected readonly principals: Map<string, EmulatorPrincipal>;
  protected deviations: Deviations;
  private readonly options: FrontEndOptions;

  constructor(options: FrontEndOptions) {
    this.options = options;
    this.spec = options.spec;
    this.deviations = options.deviations ?? new Deviations();
    this.principals = new Map(options.principals.map((p) => [p.id, p]));
    this.backend = new SnapshotBackend({ rules: this.rules(), ids: options.ids });
  }

  private rules() {
    return rulesFromContract(this.spec.contract, this.options.renderDiskState, this.deviations);
  }

  /** The HTTP handler; hand it to `listen`. */
  readonly handle = (request: ArrivedHttpRequest): HttpAnswer => {
    if (request.path.startsWith(ADMIN_PREFIX)) {
      return handleAdmin(request, {
        backend: this.backend,
        deviations: () => this.deviations,
        setDeviations: (deviations) => {
          this.deviations = deviations;
          this.backend.setRules(this.rules());
        },
        defaultAccount: this.options.principals[0]?.account ?? 'default',
        fixedRegion: this.options.fixedRegion,
      });
    }
    const requestId = this.newRequestId();
    try {
      return this.serve(request, requestId);
    } catch (error) {
      if (error instanceof VendorFault) return this.fault(requestId, error);
      if (error instanceof DomainError) {
        const vendorError = this.refusal(error.rule);
        return this.fault(requestId, new VendorFault(vendorError.code, vendorError.status, error.message));
      }
      throw error;
    }
  };

  /** Answers one API request (not an admin one); throws {@link VendorFault} or DomainError to refuse. */
  protected abstract serve(request: ArrivedHttpRequest, requestId: string): HttpAnswer;

  /** Writes a refusal in the vendor's envelope. */
  protected abstract fault(requestId: string, fault: VendorFault): HttpAnswer;

  /** A request id in the vendor's shape. */
  protected abstract newRequestId(): string;

  /** The account of a key id that the signature check accepted. */
  protected accountOf(id: string): string {
    return this.principals.get(id)!.account;
  }

  /** The secret of a key id, for the verifiers; undefined for an unknown key. */
  protected readonly secretOf = (id: string): string | undefined => this.principals.get(id)?.secret;

  /** Refuses parameters that break the action's schema with the error the spec names for the broken keyword. */
  protected validate(action: string, params: unknown): void {
    const violation = firstViolation(this.spec.action(action).validateRequest, params, this.deviations);
    if (!violation) return;
    const error = this.spec.errorForKeyword(action, violation.segments, violation.keyword);
    throw new VendorFault(error?.code ?? 'InvalidParameter', error?.status ?? 400, `Parameter \`${violation.path}\` is invalid: ${violation.detail}.`);
  }

  /** The vendor error for a domain refusal: the spec's contract, or the front end's table for companions. */
  private refusal(rule: DomainRefusal): VendorError {
    const body = (this.spec.contract as Record<string, { error?: VendorError; mismatchError?: VendorError } | undefined>)[rule];
    const fromContract = body?.error ?? body?.mismatchError;
    return fromContract ?? this.options.refusals[rule] ?? { code: 'InternalError', status: 500 };
  }
}
