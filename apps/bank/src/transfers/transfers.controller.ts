import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  AggregateRepository,
  IfMatch,
  InjectAggregateRepository,
  LocationHeader,
  Sagas,
  VersionETagInterceptor,
} from 'nest-event-sourcing';
import { ApproveTransfer, RequestTransfer, type TransferCommandResult } from './commands/transfer-commands';
import { ApiBadBody, ApiProblem } from '../http/problem-response';
import { RequestTransferDto } from './dto/request-transfer.dto';
import { TransferAcceptedResponse, TransferApprovedResponse, TransferResponse } from './dto/transfer-responses';
import { Transfer } from './transfer.aggregate';
import type { TransferState } from './transfer.saga';

/** Transfers between accounts, run by the durable transfer saga. */
@ApiTags('transfers')
@Controller('transfers')
export class TransfersController {
  constructor(
    private readonly commands: CommandBus,
    @InjectAggregateRepository(Transfer) private readonly transfers: AggregateRepository<Transfer>,
    private readonly sagas: Sagas,
  ) {}

  /** Accepts a transfer: 202; poll `GET /transfers/:id` for its outcome. */
  @Post()
  @HttpCode(202)
  @LocationHeader('/transfers/:transferId')
  @ApiAcceptedResponse({ type: TransferAcceptedResponse, description: 'Header `Location: /transfers/{id}`.' })
  @ApiBadBody()
  @ApiProblem(404, 'An account does not exist (`ES_AGGREGATE_NOT_FOUND`).')
  @ApiProblem(422, 'Both accounts are the same (`ES_DOMAIN_RULE`).')
  async request(@Body() { fromAccountId, toAccountId, amount }: RequestTransferDto): Promise<TransferAcceptedResponse> {
    const result = await this.commands.execute(new RequestTransfer(randomUUID(), fromAccountId, toAccountId, amount));
    return { transferId: result.transferId, position: result.position! };
  }

  /** The transfer's status: pending, completed or failed (with the reason). */
  @Get(':id')
  @ApiOkResponse({ type: TransferResponse })
  @ApiProblem(404, 'No such transfer (`ES_AGGREGATE_NOT_FOUND`).')
  async get(@Param('id') id: string): Promise<TransferResponse> {
    const transfer = await this.transfers.load(id);
    const saga = await this.sagas.findByCorrelation('transfer', id);
    const step = saga?.status === 'active' ? (saga.state as Partial<TransferState>).step : undefined;
    return {
      transferId: transfer.id,
      status: transfer.status === 'new' ? 'pending' : transfer.status,
      ...(transfer.reason ? { reason: transfer.reason } : {}),
      fromAccountId: transfer.fromAccountId,
      toAccountId: transfer.toAccountId,
      amount: transfer.amount,
      needsApproval: transfer.needsApproval,
      ...(step ? { step } : {}),
      version: transfer.version,
    };
  }

  /**
   * Approves a large transfer, until its approval deadline: 200 means the approval won
   * and the transfer will complete (unless the target refuses the credit); an approval
   * that loses to the deadline gets 422 `approval-expired` and changes nothing.
   */
  @Post(':id/approve')
  @HttpCode(200)
  @UseInterceptors(VersionETagInterceptor)
  @ApiOkResponse({ type: TransferApprovedResponse, description: 'The approval won; header `ETag: "{version}"`.' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The transfer\'s ETag (`"{version}"`), else 412.' })
  @ApiProblem(404, 'No such transfer (`ES_AGGREGATE_NOT_FOUND`).')
  @ApiProblem(412, 'If-Match names another version (`PRECONDITION_FAILED`).')
  @ApiProblem(
    422,
    'Its approval deadline passed first (rule `approval-expired`), it needs no approval, or it is over (`ES_DOMAIN_RULE`).',
  )
  approve(@Param('id') id: string, @IfMatch() expectedVersion?: number): Promise<TransferCommandResult> {
    return this.commands.execute(new ApproveTransfer(id, expectedVersion));
  }
}
